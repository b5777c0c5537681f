package engine

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/host/internal/device"
	"dnw/host/internal/engine/tape"
	"dnw/host/internal/safetensors"
	"dnw/sdk/ir"
)

// Regression trains a model's one output toward given targets by mean squared error
// over every element, each weighted, with AdamW and an exponential moving average of
// the weights: the weight generator's ε-prediction objective ‖ε − ε̂θ(…)‖², with the
// graph's inputs (the noisy chunk, its timestep, its index, the prompt) fed per step.
// The weights let a denoiser whose output is not ε̂ itself (weightgen's v output)
// train on exactly that objective.
type Regression struct {
	Model *Model
	Opt   *Adam
	EMA   *EMA // nil without averaging

	loss   *G.Node
	vm     G.VM
	inputs map[string]*tensor.Dense
	target *tensor.Dense
	weight *tensor.Dense
	ones   []float32 // the weights of Step(…, nil)

	dev *tape.Regression // set on a GPU: the fields above but Model, Opt and EMA are then unused
}

// NewRegression compiles g for batches of batch samples with parameters initialized
// from seed, on dev. ema is the averaging decay (0 turns it off).
func NewRegression(g ir.Graph, batch int, seed uint64, opt *Adam, ema float64, dev device.Name) (*Regression, error) {
	if !dev.IsCPU() {
		return newDeviceRegression(g, batch, seed, opt, ema, dev)
	}
	m, err := compile(g, batch, seed, into{})
	if err != nil {
		return nil, err
	}
	if len(m.Outputs) != 1 {
		return nil, fmt.Errorf("engine: regression: graph %s has %d outputs, want 1", g.Name, len(m.Outputs))
	}
	out := m.Outputs[0]
	shape := out.Shape().Clone()
	target := G.NewTensor(m.G, tensor.Float32, out.Dims(), G.WithShape(shape...), G.WithName("target"))
	weight := G.NewTensor(m.G, tensor.Float32, out.Dims(), G.WithShape(shape...), G.WithName("weight"))
	r := &Regression{Model: m, Opt: opt, inputs: map[string]*tensor.Dense{},
		target: tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32)),
		weight: tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))}
	r.ones = make([]float32, shape.TotalSize())
	for i := range r.ones {
		r.ones[i] = 1
	}
	r.loss = G.Must(G.Mean(G.Must(G.HadamardProd(weight, G.Must(G.Square(G.Must(G.Sub(out, target))))))))
	grads, err := G.Grad(r.loss, m.Trainable...)
	if err != nil {
		return nil, fmt.Errorf("engine: regression gradients: %w", err)
	}
	for name, in := range m.Inputs {
		v := tensor.New(tensor.WithShape(in.Shape().Clone()...), tensor.Of(tensor.Float32))
		if err := G.Let(in, v); err != nil {
			return nil, err
		}
		r.inputs[name] = v
	}
	if err := G.Let(target, r.target); err != nil {
		return nil, err
	}
	if err := G.Let(weight, r.weight); err != nil {
		return nil, err
	}
	if r.vm, err = newMachine(m.G, append(G.Nodes{r.loss}, grads...), m.Trainable); err != nil {
		return nil, err
	}
	if ema > 0 {
		r.EMA = NewEMA(m, ema)
	}
	return r, nil
}

// Step runs one optimizer step on a batch: inputs by name, each (B, …), the targets
// of the output and a weight per output element (nil weighs all by 1); the loss is
// the mean of weight·(output − target)². It returns the batch's loss before the
// update.
func (r *Regression) Step(inputs map[string][]float32, target, weight []float32) (float64, error) {
	if r.dev != nil {
		return r.deviceStep(inputs, target, weight)
	}
	if err := copyInputs(r.inputs, inputs); err != nil {
		return 0, fmt.Errorf("engine: regression: %w", err)
	}
	if weight == nil {
		weight = r.ones
	}
	given := map[string][]float32{"target": target, "weight": weight}
	if err := copyInputs(map[string]*tensor.Dense{"target": r.target, "weight": r.weight}, given); err != nil {
		return 0, fmt.Errorf("engine: regression: %w", err)
	}
	defer r.vm.Reset()
	if err := r.vm.RunAll(); err != nil {
		return 0, err
	}
	loss := float64(r.loss.Value().Data().(float32))
	if err := r.Opt.Step(r.Model.Trainable); err != nil {
		return 0, err
	}
	if r.EMA != nil {
		r.EMA.Update(r.Model)
	}
	return loss, nil
}

// Close releases the machine.
func (r *Regression) Close() {
	if r.dev != nil {
		r.dev.Close()
		return
	}
	closeMachine(r.vm)
}

// RegressionState is everything a Regression needs to continue exactly.
type RegressionState struct {
	Model map[string]safetensors.Tensor
	Adam  AdamState
	EMA   map[string][]float32 // nil without averaging
	// EMAUpdates is the average's update count, which sets its warm-up decay.
	EMAUpdates int
}

// State returns a copy of the training state, for a checkpoint. It reads alike
// whichever device the regression trains on.
func (r *Regression) State() RegressionState {
	s := RegressionState{Model: r.Model.Tensors()}
	if r.dev != nil {
		s.Adam = adamState(r.dev.Opt)
	} else {
		s.Adam = r.Opt.State()
	}
	if r.EMA != nil {
		s.EMA, s.EMAUpdates = r.EMA.averages(), r.EMA.Updates
	}
	return s
}

// Restore continues from s, a State of a Regression of the same graph and settings.
func (r *Regression) Restore(s RegressionState) error {
	if err := r.Model.Load(s.Model); err != nil {
		return err
	}
	var err error
	if r.dev != nil {
		err = r.dev.Opt.Restore(r.dev.Model.Trainable, s.Adam.Step, s.Adam.Moments)
	} else {
		err = r.Opt.Restore(r.Model.Trainable, s.Adam)
	}
	if err != nil || r.EMA == nil {
		return err
	}
	return r.EMA.setAverages(s.EMA, s.EMAUpdates)
}

// EMA is an exponential moving average of a model's trainable parameters, the
// weights diffusion models are sampled with (Ho et al. 2020 average with decay
// 0.9999; dnw's default is weightgen.ema): after update k, a = d_k·a + (1−d_k)·θ with
// d_k = min(Decay, (1 + k)/(10 + k)), the warm-up of TensorFlow's
// ExponentialMovingAverage(num_updates) that latent diffusion's LitEma keeps. Without
// it the average of a short run is still mostly its starting point: after 1 500 steps
// at decay 0.999, 0.999^1500 = 22% of it is the initialization, and the trained
// weight generator's prediction did not depend on its prompt (docs/benchmarks.md).
type EMA struct {
	Decay   float64
	Updates int                  // updates so far, k
	shadow  map[string][]float32 // by parameter name

	dev *tape.EMA // set on a GPU: the average lives there, and Updates is its
}

// NewEMA starts the average at the model's current parameters.
func NewEMA(m *Model, decay float64) *EMA {
	e := &EMA{Decay: decay, shadow: map[string][]float32{}}
	for _, n := range m.Trainable {
		e.shadow[n.Name()] = slices.Clone(values(n))
	}
	return e
}

// Update moves the average toward the model's parameters.
func (e *EMA) Update(m *Model) {
	e.Updates++
	d := float32(min(e.Decay, float64(1+e.Updates)/float64(10+e.Updates)))
	for _, n := range m.Trainable {
		a := e.shadow[n.Name()]
		for i, v := range values(n) {
			a[i] = d*a[i] + (1-d)*v
		}
	}
}

// Tensors are the model's tensors (Model.Tensors) with every trainable parameter
// replaced by its average: what a checkpoint of the averaged model holds. (Trainable
// tensors are named by their IR names, as Tensors names them.)
func (e *EMA) Tensors(m *Model) map[string]safetensors.Tensor {
	ts := m.Tensors()
	for name, a := range e.averages() {
		if t, ok := ts[name]; ok {
			ts[name] = safetensors.Tensor{Shape: t.Shape, Data: a}
		}
	}
	return ts
}

// averages is a copy of the average of every trainable tensor, by name.
func (e *EMA) averages() map[string][]float32 {
	if e.dev != nil {
		return e.dev.Averages()
	}
	out := map[string][]float32{}
	for name, v := range e.shadow {
		out[name] = slices.Clone(v)
	}
	return out
}

// setAverages continues the average from a state's averages and update count.
func (e *EMA) setAverages(avg map[string][]float32, updates int) error {
	e.Updates = updates
	if e.dev != nil {
		return e.dev.SetAverages(avg, updates)
	}
	for name, v := range e.shadow {
		saved, ok := avg[name]
		if !ok || len(saved) != len(v) {
			return fmt.Errorf("engine: regression state has no average of %s", name)
		}
		copy(v, saved)
	}
	return nil
}
