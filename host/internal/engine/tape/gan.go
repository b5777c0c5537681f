package tape

import (
	"fmt"

	"dnw/host/internal/engine/ops"

	"dnw/sdk/ir"
)

// GANConfig is engine.GANConfig's objective and optimizer.
type GANConfig struct {
	Loss     string // "lsgan" or "bce"
	LambdaL1 float64
	LR       float64
	Batch    int
}

// GAN is engine.GAN on the backend: pix2pix's generator and PatchGAN
// discriminator, trained in turn, with every tensor in the backend's memory.
// Each step uploads the batch and downloads three losses.
type GAN struct {
	Gen, Disc *Model

	frozen            *Model // the discriminator's copy in the generator's program
	genProg, discProg *program
	target            *Tensor // (B, C, H, W)
	l1, adv, disc     *lossTerm
	GenOpt, DiscOpt   *Adam
}

// NewGAN compiles model's generator (with gen's options: placement, init) and
// discriminator (with disc's) for batches of cfg.Batch; the generator's program
// also holds a frozen copy of the discriminator that reads its weights.
func NewGAN(be Backend, model ir.Model, cfg GANConfig, gen, disc Options) (*GAN, error) {
	kind, ok := map[string]Loss{"lsgan": LossSquare, "bce": LossBCE}[cfg.Loss]
	if !ok {
		return nil, fmt.Errorf("engine: GAN loss %q, want lsgan or bce", cfg.Loss)
	}
	b := cfg.Batch
	gp, dp := newProgram(be), newProgram(be)
	g := &GAN{genProg: gp, discProg: dp}
	var err error
	gen.Batch = b
	if g.Gen, err = compileInto(gp, model.Generator, gen); err != nil {
		return nil, g.fail(err)
	}
	for name := range g.Gen.Inputs {
		if name != "source" {
			return nil, g.fail(fmt.Errorf("engine: GAN: generator input %q: only source is fed", name))
		}
	}
	fake := g.Gen.Outputs[0]
	g.target = gp.alloc("target", fake.Shape)
	disc.Batch = 2 * b
	if g.Disc, err = compileInto(dp, model.Discriminator, disc); err != nil {
		return nil, g.fail(err)
	}
	frozen := disc
	frozen.Batch, frozen.Prefix, frozen.Shared = b, "frozen/", g.Disc
	frozen.Inputs = map[string]*Tensor{"source": g.Gen.Inputs["source"], "target": fake}
	if g.frozen, err = compileInto(gp, model.Discriminator, frozen); err != nil {
		return nil, g.fail(err)
	}
	logits := g.frozen.Outputs[0]
	g.adv = newLossTerm(gp, kind, logits, constant(gp, logits.Size(), 1), 1)
	g.l1 = newLossTerm(gp, LossL1, fake, g.target.Data, float32(cfg.LambdaL1))
	dl := g.Disc.Outputs[0]
	labels := make([]float32, dl.Size()) // 1 for the real half of the double batch, 0 for the fake half
	for i := range labels[:len(labels)/2] {
		labels[i] = 1
	}
	onDevice := dp.buffer(len(labels))
	be.Upload(onDevice, labels)
	g.disc = newLossTerm(dp, kind, dl, onDevice, 1)
	gp.differentiate()
	dp.differentiate()
	g.GenOpt, g.DiscOpt = newAdam(gp, cfg.LR, 0.5), newAdam(dp, cfg.LR, 0.5)
	return g, nil
}

// fail frees what NewGAN allocated (the caller closes the backend it gave).
func (g *GAN) fail(err error) error {
	g.genProg.close()
	g.discProg.close()
	return err
}

// StepLosses are one step's losses (engine.StepLosses).
type StepLosses struct{ L1, GenAdv, Disc float32 }

// Step trains on one batch, source and target (B, C, H, W) in [-1, 1]: the
// generator steps against the current discriminator, then the discriminator on the
// real pairs and the fake ones just generated, as engine.GAN.Step.
func (g *GAN) Step(source, target []float32) (StepLosses, error) {
	gp, dp, be := g.genProg, g.discProg, g.genProg.be
	src := g.Gen.Inputs["source"]
	if len(source) != src.Size() || len(target) != g.target.Size() {
		return StepLosses{}, fmt.Errorf("engine: GAN step: %d source and %d target values, want %d each", len(source), len(target), src.Size())
	}
	be.Upload(src.Data, source)
	be.Upload(g.target.Data, target)
	gp.forward()
	gp.beginBackward()
	g.l1.write(gp)
	g.adv.write(gp)
	gp.backward()
	g.GenOpt.Step(g.Gen.Trainable)

	n := src.Size()
	ds, dpair := g.Disc.Inputs["source"].Data, g.Disc.Inputs["target"].Data
	be.Copy(ds, 0, src.Data)
	be.Copy(ds, n, src.Data)
	be.Copy(dpair, 0, g.target.Data)
	be.Copy(dpair, n, g.Gen.Outputs[0].Data) // the fake batch of the forward pass above
	dp.forward()
	dp.beginBackward()
	g.disc.write(dp)
	dp.backward()
	g.DiscOpt.Step(g.Disc.Trainable)

	out := StepLosses{L1: g.l1.mean(gp), GenAdv: g.adv.mean(gp), Disc: g.disc.mean(dp)}
	return out, gp.sync()
}

// Close frees both programs' buffers and closes the backend, which NewGAN's
// caller opened for this GAN alone.
func (g *GAN) Close() {
	g.genProg.close()
	g.discProg.close()
	g.genProg.be.Close()
}

// Dropouts are the dropout layers of the GAN's compiled models by the prefix of
// their streams' names in engine.GANState.
func (g *GAN) Dropouts() map[string]map[string]*ops.DropoutState {
	return map[string]map[string]*ops.DropoutState{"gen/": g.Gen.Dropout, "frozen/": g.frozen.Dropout, "disc/": g.Disc.Dropout}
}
