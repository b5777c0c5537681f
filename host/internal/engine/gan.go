package engine

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/host/internal/device"
	"dnw/host/internal/engine/tape"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// GANConfig is the pix2pix objective and optimizer (Isola et al. 2017).
type GANConfig struct {
	Loss     string  // "lsgan" (least squares) or "bce" (with logits)
	LambdaL1 float64 // weight of the L1 term; pix2pix uses 100
	LR       float64 // Adam learning rate, β1 = 0.5 as pix2pix
	Batch    int
	Device   device.Name // where it trains: the CPU (the zero value) or a GPU (the tape engine)
}

// GAN trains a generator against a PatchGAN discriminator on (source, target) pairs.
// It holds two graphs built once: the generator step (the generator, and a frozen copy
// of the discriminator that shares its weight tensors) and the discriminator step (the
// discriminator on a double batch, real pairs then fake ones).
type GAN struct {
	Gen  *Model // the generator; Gen.Trainable is what the generator step updates
	Disc *Model // the discriminator, on batches of 2·Batch

	frozen               *Model // the discriminator's copy in the generator step's graph
	cfg                  GANConfig
	fake                 *G.Node
	fakeCopy             G.Value // the generated batch, read during the forward pass
	genLoss, l1, advLoss *G.Node
	discLoss             *G.Node
	genVM, discVM        G.VM
	genOpt, discOpt      *Adam
	source, target       *tensor.Dense // (B, C, H, W), fed by Step
	discSource, discPair *tensor.Dense // (2B, C, H, W): [source; source], [target; fake]

	dev *tape.GAN // set on a GPU: the fields above but Gen and Disc are then unused
}

// NewGAN builds the two graphs of model. With a placement, the generator trains only
// its LoRA (CompileLoRA); without one it trains fully (the from-scratch baseline).
func NewGAN(model ir.Model, placement *sdk.Placement, cfg GANConfig, seed uint64) (*GAN, error) {
	if cfg.Loss != "lsgan" && cfg.Loss != "bce" {
		return nil, fmt.Errorf("engine: GAN loss %q, want lsgan or bce", cfg.Loss)
	}
	if !cfg.Device.IsCPU() {
		return newDeviceGAN(model, placement, cfg, seed)
	}
	b := cfg.Batch
	gen, err := compile(model.Generator, b, seed, into{placement: placement, loraSeed: seed})
	if err != nil {
		return nil, err
	}
	for name := range gen.Inputs {
		if name != "source" {
			return nil, fmt.Errorf("engine: GAN: generator input %q: only source is fed (conditioned generators are not trained by this loop yet)", name)
		}
	}
	fake := gen.Outputs[0]
	srcShape := gen.Inputs["source"].Shape().Clone()
	targetNode := G.NewTensor(gen.G, tensor.Float32, 4, G.WithShape(srcShape...), G.WithName("target"))
	disc, err := compile(model.Discriminator, 2*b, seed+1, into{})
	if err != nil {
		return nil, err
	}
	// The frozen copy's batch_norm layers update the discriminator's running
	// statistics, as netD(fake) does in pix2pix's generator step.
	frozen, err := compile(model.Discriminator, b, seed+1, into{graph: gen.G, prefix: "frozen/",
		inputs: map[string]*G.Node{"source": gen.Inputs["source"], "target": fake}, statsOf: disc})
	if err != nil {
		return nil, err
	}
	// The frozen copy reads the discriminator's own weight tensors, which the
	// discriminator's optimizer updates in place.
	for name, n := range frozen.Params {
		if err := G.Let(n, disc.Params[name].Value()); err != nil {
			return nil, err
		}
	}

	g := &GAN{Gen: gen, Disc: disc, frozen: frozen, cfg: cfg, fake: fake,
		fakeCopy: tensor.New(tensor.WithShape(srcShape...), tensor.Of(tensor.Float32))}
	// The machine reuses the fake's buffer once the backward pass no longer needs it,
	// so the discriminator's fake half is read into a copy as the graph runs.
	readFake := G.Read(fake, &g.fakeCopy)
	logits := frozen.Outputs[0]
	g.advLoss, err = advLoss(logits, 1, cfg.Loss)
	if err != nil {
		return nil, err
	}
	g.l1 = G.Must(G.Mean(G.Must(G.Abs(G.Must(G.Sub(fake, targetNode))))))
	g.genLoss = G.Must(G.Add(g.advLoss, G.Must(G.Mul(g.l1, G.NewConstant(float32(cfg.LambdaL1))))))
	genGrads, err := G.Grad(g.genLoss, gen.Trainable...)
	if err != nil {
		return nil, fmt.Errorf("engine: generator gradients: %w", err)
	}

	// Discriminator: labels 1 for the real half of the double batch, 0 for the fake half.
	dl := disc.Outputs[0]
	labels := make([]float32, dl.Shape().TotalSize())
	for i := range labels[:len(labels)/2] {
		labels[i] = 1
	}
	g.discLoss, err = advLossLabels(dl, tensor.New(tensor.WithShape(dl.Shape().Clone()...), tensor.WithBacking(labels)), cfg.Loss)
	if err != nil {
		return nil, err
	}
	// The mean over the double batch is pix2pix's ½(loss on real + loss on fake).
	discGrads, err := G.Grad(g.discLoss, disc.Trainable...)
	if err != nil {
		return nil, fmt.Errorf("engine: discriminator gradients: %w", err)
	}

	g.source = tensor.New(tensor.WithShape(srcShape...), tensor.Of(tensor.Float32))
	g.target = tensor.New(tensor.WithShape(srcShape...), tensor.Of(tensor.Float32))
	double := append(tensor.Shape{2 * b}, srcShape[1:]...)
	g.discSource = tensor.New(tensor.WithShape(double...), tensor.Of(tensor.Float32))
	g.discPair = tensor.New(tensor.WithShape(double...), tensor.Of(tensor.Float32))
	for n, v := range map[*G.Node]*tensor.Dense{gen.Inputs["source"]: g.source, targetNode: g.target,
		disc.Inputs["source"]: g.discSource, disc.Inputs["target"]: g.discPair} {
		if err := G.Let(n, v); err != nil {
			return nil, err
		}
	}
	genOut := append(G.Nodes{g.genLoss, g.l1, g.advLoss, readFake}, genGrads...)
	if g.genVM, err = newMachine(gen.G, genOut, gen.Trainable); err != nil {
		return nil, err
	}
	if g.discVM, err = newMachine(disc.G, append(G.Nodes{g.discLoss}, discGrads...), disc.Trainable); err != nil {
		return nil, err
	}
	g.genOpt, g.discOpt = NewAdam(cfg.LR, 0.5), NewAdam(cfg.LR, 0.5)
	return g, nil
}

// advLoss is the adversarial loss of logits against a constant label.
func advLoss(logits *G.Node, label float32, kind string) (*G.Node, error) {
	labels := make([]float32, logits.Shape().TotalSize())
	for i := range labels {
		labels[i] = label
	}
	return advLossLabels(logits, tensor.New(tensor.WithShape(logits.Shape().Clone()...), tensor.WithBacking(labels)), kind)
}

// advLossLabels is mean((x − y)²) for LSGAN, or the mean binary cross-entropy of
// logits x against labels y, softplus(x) − y·x, for BCE.
func advLossLabels(x *G.Node, y *tensor.Dense, kind string) (*G.Node, error) {
	labels := G.NewConstant(y)
	if kind == "lsgan" {
		return G.Mean(G.Must(G.Square(G.Must(G.Sub(x, labels)))))
	}
	return G.Mean(G.Must(G.Sub(G.Must(G.Softplus(x)), G.Must(G.HadamardProd(labels, x)))))
}

// StepLosses are one step's losses.
type StepLosses struct {
	L1, GenAdv, Disc float32
}

// Step trains on one batch: source and target are (B, C, H, W) in [-1, 1]. The
// generator steps first against the current discriminator, then the discriminator
// steps on the real pairs and the fake ones just generated.
func (g *GAN) Step(source, target []float32) (StepLosses, error) {
	if g.dev != nil {
		l, err := g.dev.Step(source, target)
		return StepLosses(l), err
	}
	copy(g.source.Data().([]float32), source)
	copy(g.target.Data().([]float32), target)
	if err := g.genVM.RunAll(); err != nil {
		return StepLosses{}, err
	}
	out := StepLosses{L1: scalar(g.l1), GenAdv: scalar(g.advLoss)}
	n := len(source)
	ds, dp := g.discSource.Data().([]float32), g.discPair.Data().([]float32)
	copy(ds, source)
	copy(ds[n:], source)
	copy(dp, target)
	copy(dp[n:], g.fakeCopy.Data().([]float32))
	if err := g.genOpt.Step(g.Gen.Trainable); err != nil {
		return out, err
	}
	g.genVM.Reset()
	if err := g.discVM.RunAll(); err != nil {
		return out, err
	}
	out.Disc = scalar(g.discLoss)
	if err := g.discOpt.Step(g.Disc.Trainable); err != nil {
		return out, err
	}
	g.discVM.Reset()
	return out, nil
}

// Close releases the graphs' machines.
func (g *GAN) Close() {
	if g.dev != nil {
		g.dev.Close()
		return
	}
	closeMachine(g.genVM)
	closeMachine(g.discVM)
}

func scalar(n *G.Node) float32 { return n.Value().Data().(float32) }
