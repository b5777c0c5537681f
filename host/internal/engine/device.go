package engine

import (
	"maps"
	"slices"

	"dnw/host/internal/device"
	"dnw/host/internal/engine/tape"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// This file runs the engine's types on a GPU: each holds a model, loop or
// inference of package tape there, which keeps every tensor in device memory, and
// its methods hand over to it. The CPU keeps the gorgonia graphs above.

// onDevice is a model compiled by the tape engine, and the options it was
// compiled with (an inference graph over it needs its LoRA placement).
type onDevice struct {
	model *tape.Model
	opts  tape.Options
}

// deviceKey names the setting that chooses the device, for its errors.
const deviceKey = "experiment.device"

// openBackend opens the tape engine's backend for a device; tests put the tape
// engine's CPU backend here to run this file's code on any machine.
var openBackend = tape.Open

// tapeOptions are the compile options of a graph on the device initialized as
// compile initializes it on the CPU: parameters by InitParam from seed, LoRA's A
// from loraSeed, B at zero.
func tapeOptions(batch int, seed uint64, placement *sdk.Placement, loraSeed uint64) tape.Options {
	return tape.Options{Batch: batch, Seed: seed, Placement: placement,
		Init:     func(dst []float32, p ir.Param) error { return InitParam(dst, p, seed) },
		LoRAInit: func(p sdk.Param) []float32 { return loraInit(p, loraSeed) }}
}

func compileOnDevice(dev device.Name, g ir.Graph, batch int, seed uint64) (*Model, error) {
	be, err := openBackend(dev, deviceKey)
	if err != nil {
		return nil, err
	}
	o := tapeOptions(batch, seed, nil, 0)
	m, err := tape.Compile(be, g, o)
	if err != nil {
		be.Close()
		return nil, err
	}
	return &Model{dev: &onDevice{model: m, opts: o}}, nil
}

func newDeviceGAN(model ir.Model, placement *sdk.Placement, cfg GANConfig, seed uint64) (*GAN, error) {
	be, err := openBackend(cfg.Device, deviceKey)
	if err != nil {
		return nil, err
	}
	gen, disc := tapeOptions(cfg.Batch, seed, placement, seed), tapeOptions(2*cfg.Batch, seed+1, nil, 0)
	tg, err := tape.NewGAN(be, model, tape.GANConfig{Loss: cfg.Loss, LambdaL1: cfg.LambdaL1, LR: cfg.LR, Batch: cfg.Batch}, gen, disc)
	if err != nil {
		be.Close()
		return nil, err
	}
	return &GAN{Gen: &Model{dev: &onDevice{tg.Gen, gen}}, Disc: &Model{dev: &onDevice{tg.Disc, disc}}, cfg: cfg, dev: tg}, nil
}

// adamState is a device optimizer's state in the CPU's form: checkpoints read alike
// whichever device wrote them.
func adamState(a *tape.Adam) AdamState {
	step, moments := a.Moments()
	return AdamState{Step: step, Moments: moments}
}

func newDeviceRegression(g ir.Graph, batch int, seed uint64, opt *Adam, ema float64, dev device.Name) (*Regression, error) {
	be, err := openBackend(dev, deviceKey)
	if err != nil {
		return nil, err
	}
	o := tapeOptions(batch, seed, nil, 0)
	tr, err := tape.NewRegression(be, g, o, opt.LR, opt.Beta1, ema)
	if err != nil {
		be.Close()
		return nil, err
	}
	r := &Regression{Model: &Model{dev: &onDevice{tr.Model, o}}, Opt: opt, dev: tr}
	if tr.EMA != nil {
		r.EMA = &EMA{Decay: ema, dev: tr.EMA}
	}
	return r, nil
}

// deviceStep is Step on the device, with the optimizer's settings of the moment
// (the weight generator's schedule sets the learning rate every step).
func (r *Regression) deviceStep(inputs map[string][]float32, target, weight []float32) (float64, error) {
	o := r.dev.Opt
	o.LR, o.Beta1, o.Beta2, o.Eps, o.WeightDecay = r.Opt.LR, r.Opt.Beta1, r.Opt.Beta2, r.Opt.Eps, r.Opt.WeightDecay
	loss, err := r.dev.Step(inputs, target, weight)
	if r.EMA != nil {
		r.EMA.Updates = r.dev.EMA.Updates
	}
	return loss, err
}

func newDeviceInference(g ir.Graph, batch int, trained *Model) (*Inference, error) {
	f, err := tape.NewInference(g, batch, trained.dev.model, trained.dev.opts)
	if err != nil {
		return nil, err
	}
	return &Inference{dev: f}, nil
}

// inputNames lists the graph's inputs, sorted.
func (f *Inference) inputNames() []string {
	if f.dev != nil {
		return f.dev.InputNames()
	}
	return slices.Sorted(maps.Keys(f.inputs))
}
