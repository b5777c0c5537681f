package engine

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/plugins/arch/e2gan"
	"dnw/sdk"
)

// TestCompiledE2GANLearnsATinyTask compiles a small arch.e2gan generator (every op it
// uses: conv2d, group norm, SiLU/ReLU, tokens, layer norm, linear, attention, GELU,
// upsampling, tanh) and trains it with Adam on one fixed pair: the L1 loss must fall
// by half, and a second run with the same seed must give the same losses.
func TestCompiledE2GANLearnsATinyTask(t *testing.T) {
	losses := func() []float32 {
		m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
			Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2)}})
		if err != nil {
			t.Fatal(err)
		}
		model, err := Compile(m.Generator, 2, 1)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		src := make([]float32, 2*3*16*16)
		tgt := make([]float32, len(src))
		for i := range src {
			src[i] = float32(rng.Float64()*2 - 1)
			tgt[i] = -0.5 * src[i] // the "concept": inverted, half contrast
		}
		G.Let(model.Inputs["source"], tensor.New(tensor.WithShape(2, 3, 16, 16), tensor.WithBacking(src)))
		target := G.NewTensor(model.G, tensor.Float32, 4, G.WithShape(2, 3, 16, 16), G.WithName("target"),
			G.WithValue(tensor.New(tensor.WithShape(2, 3, 16, 16), tensor.WithBacking(tgt))))
		diff := G.Must(G.Sub(model.Outputs[0], target))
		loss := G.Must(G.Mean(G.Must(G.Abs(diff))))
		if _, err := G.Grad(loss, model.Trainable...); err != nil {
			t.Fatal(err)
		}
		vm := G.NewTapeMachine(model.G, G.BindDualValues(model.Trainable...))
		defer vm.Close()
		solver := NewAdam(2e-3, 0.5)
		var out []float32
		for range 60 {
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			out = append(out, loss.Value().Data().(float32))
			if err := solver.Step(model.Trainable); err != nil {
				t.Fatal(err)
			}
			vm.Reset()
		}
		return out
	}
	a := losses()
	if a[len(a)-1] > 0.5*a[0] {
		t.Errorf("L1 went from %.4f to %.4f, want a cut of at least half", a[0], a[len(a)-1])
	}
	b := losses()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("step %d: loss %v, then %v with the same seed", i, a[i], b[i])
		}
	}
	t.Logf("L1: %.4f → %.4f over %d steps", a[0], a[len(a)-1], len(a))
}

func TestCompiledPatchGANGivesPatchLogits(t *testing.T) {
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 32, Channels: 3,
		Options: sdk.Options{"width": int64(8), "disc_width": int64(8)}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Compile(m.Discriminator, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"source", "target"} {
		G.Let(d.Inputs[name], tensor.New(tensor.WithShape(2, 3, 32, 32), tensor.WithBacking(make([]float32, 2*3*32*32))))
	}
	vm := G.NewTapeMachine(d.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	want := append([]int{2}, m.Discriminator.Nodes[len(m.Discriminator.Nodes)-1].Shape...)
	if got := d.Outputs[0].Shape(); !slices.Equal([]int(got), want) {
		t.Errorf("logits %v, want %v", got, want)
	}
}

// TestCompileE2GANWithBatchNorm compiles arch.e2gan with its norm option set to batch
// (every norm of the ResBlocks a batch_norm) and runs it forward in both modes.
func TestCompileE2GANWithBatchNorm(t *testing.T) {
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "norm": "batch"}})
	if err != nil {
		t.Fatal(err)
	}
	model, err := Compile(m.Generator, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(model.BatchNorm) == 0 {
		t.Fatal("no batch_norm layers compiled")
	}
	G.Let(model.Inputs["source"], tensor.New(tensor.WithShape(2, 3, 16, 16), tensor.Of(tensor.Float32)))
	vm := G.NewTapeMachine(model.G)
	defer vm.Close()
	for _, training := range []bool{true, false} {
		model.SetTraining(training)
		if err := vm.RunAll(); err != nil {
			t.Fatalf("training %v: %v", training, err)
		}
		vm.Reset()
	}
	if got := model.Outputs[0].Shape(); !slices.Equal([]int(got), []int{2, 3, 16, 16}) {
		t.Errorf("output %v, want (2, 3, 16, 16)", got)
	}
}

// TestCompiledPix2PixTrainsAndEvaluates runs arch.pix2pix-unet (batch_norm, dropout)
// through GAN steps in training mode, then checks the two modes apart: training
// draws new dropout masks on every pass, evaluation is deterministic, and the running
// statistics the training passes moved are what evaluation normalizes with.
func TestCompiledPix2PixTrainsAndEvaluates(t *testing.T) {
	g, err := NewGAN(tinyPix2Pix(t), nil, GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-3, Batch: 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if len(g.Gen.BatchNorm) == 0 {
		t.Fatal("the pix2pix generator compiled without batch_norm layers")
	}
	src, tgt := tinyPairs(7, 2*3*16*16)
	var first, last StepLosses
	for i := range 30 {
		l, err := g.Step(src, tgt)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = l
		}
		last = l
	}
	t.Logf("L1 %.4f → %.4f over 30 steps", first.L1, last.L1)
	if last.L1 >= first.L1 {
		t.Errorf("L1 did not fall: %.4f → %.4f", first.L1, last.L1)
	}
	for name, st := range g.Gen.BatchNorm {
		if slices.Equal(st.RunningMean, make([]float32, len(st.RunningMean))) {
			t.Errorf("%s: running mean still zero after training", name)
		}
	}

	fake := func() []float32 {
		if err := g.genVM.RunAll(); err != nil {
			t.Fatal(err)
		}
		defer g.genVM.Reset()
		return slices.Clone(g.fake.Value().Data().([]float32))
	}
	if a, b := fake(), fake(); slices.Equal(a, b) {
		t.Error("training mode: two passes gave the same output; dropout should draw new masks")
	}
	g.Gen.SetTraining(false)
	if a, b := fake(), fake(); !slices.Equal(a, b) {
		t.Error("evaluation mode: two passes differ")
	}
}
