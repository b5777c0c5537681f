package engine

import (
	"context"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// tinyPix2Pix is arch.pix2pix-unet at 16×16 with small widths: batch_norm and dropout
// in the generator, batch_norm in the discriminator.
func tinyPix2Pix(t testing.TB) ir.Model {
	t.Helper()
	m, err := pix2pixunet.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "disc_width": int64(8), "disc_layers": int64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func tinyPairs(seed uint64, n int) (src, tgt []float32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	src, tgt = make([]float32, n), make([]float32, n)
	for i := range src {
		src[i] = float32(rng.Float64()*2 - 1)
		tgt[i] = -0.5 * src[i]
	}
	return src, tgt
}

// TestGANResumesExactly: training 3 steps, saving the state, and continuing 3 steps
// in a new GAN restored from it gives the same losses, bit for bit, as 6 steps in one
// go — weights, Adam moments, running statistics and dropout streams all carried.
func TestGANResumesExactly(t *testing.T) {
	checkGANResumes(t, GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-3, Batch: 2})
}

// checkGANResumes is TestGANResumesExactly for tinyPix2Pix trained with cfg; it
// returns the GAN that resumed, after its steps.
func checkGANResumes(t *testing.T, cfg GANConfig) *GAN {
	model := tinyPix2Pix(t)
	src, tgt := tinyPairs(3, 2*3*16*16)
	steps := func(g *GAN, n int) []StepLosses {
		var out []StepLosses
		for range n {
			l, err := g.Step(src, tgt)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, l)
		}
		return out
	}
	whole, err := NewGAN(model, nil, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	want := steps(whole, 6)

	first, _ := NewGAN(model, nil, cfg, 1)
	defer first.Close()
	steps(first, 3)
	state, err := first.State()
	if err != nil {
		t.Fatal(err)
	}
	resumed, _ := NewGAN(model, nil, cfg, 99) // another seed: everything must come from the state
	t.Cleanup(resumed.Close)
	if err := resumed.Restore(state); err != nil {
		t.Fatal(err)
	}
	if got := steps(resumed, 3); !slices.Equal(got, want[3:]) {
		t.Errorf("resumed losses %v, want %v", got, want[3:])
	}
	return resumed
}

// TestModelLoadRejectsOtherModels: a generator's tensors do not load into a model of
// another width, and a missing or extra tensor is named.
func TestModelLoadRejectsOtherModels(t *testing.T) {
	model := tinyPix2Pix(t)
	m, err := Compile(model.Generator, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	ts := m.Tensors()
	if err := m.Load(ts); err != nil {
		t.Fatalf("own tensors: %v", err)
	}
	var some string
	for name := range ts {
		if strings.HasSuffix(name, runningMean) {
			some = name
		}
	}
	if some == "" {
		t.Fatal("no running statistics among the tensors")
	}
	missing := maps.Clone(ts)
	delete(missing, some)
	if err := m.Load(missing); err == nil || !strings.Contains(err.Error(), some+" is missing") {
		t.Errorf("missing tensor: err = %v", err)
	}
	extra := maps.Clone(ts)
	extra["stray"] = ts[some]
	if err := m.Load(extra); err == nil || !strings.Contains(err.Error(), "stray is not part") {
		t.Errorf("extra tensor: err = %v", err)
	}
	wider, err := pix2pixunet.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(16)}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := Compile(wider.Generator, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Load(ts); err == nil || !strings.Contains(err.Error(), "has shape") {
		t.Errorf("other width: err = %v", err)
	}
}

// TestGeneratorFollowsTraining: the inference generator reads the trained model's
// tensors (a training step changes its output), is deterministic (evaluation mode),
// and equals a fresh model loaded from a snapshot of the trained one's tensors.
func TestGeneratorFollowsTraining(t *testing.T) {
	model := tinyPix2Pix(t)
	g, err := NewGAN(model, nil, GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-3, Batch: 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	src, tgt := tinyPairs(4, 2*3*16*16)
	for range 3 {
		if _, err := g.Step(src, tgt); err != nil {
			t.Fatal(err)
		}
	}
	gen, err := NewGenerator(model.Generator, 2, g.Gen)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	a, err := gen.Run(src)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := gen.Run(src)
	if !slices.Equal(a, b) {
		t.Error("two inference passes differ")
	}

	fresh, err := Compile(model.Generator, 2, 42)
	if err != nil {
		t.Fatal(err)
	}
	if err := fresh.Load(g.Gen.Tensors()); err != nil {
		t.Fatal(err)
	}
	other, err := NewGenerator(model.Generator, 2, fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if c, _ := other.Run(src); !slices.Equal(a, c) {
		t.Error("a model loaded from the trained tensors translates differently")
	}

	if _, err := g.Step(src, tgt); err != nil {
		t.Fatal(err)
	}
	if c, _ := gen.Run(src); slices.Equal(a, c) {
		t.Error("the generator did not see the training step")
	}
	if _, err := gen.Run(src[:10]); err == nil {
		t.Error("a short source was accepted")
	}
}

// TestLoRAModelLoadsABaseCheckpoint: a LoRA model takes a base model's tensors (its
// adapters keep their values) but still refuses a base checkpoint missing a weight.
func TestLoRAModelLoadsABaseCheckpoint(t *testing.T) {
	g := tinyE2GAN(t)
	base, err := Compile(g, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e2ganpaper.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := CompileLoRA(g, 1, 2, p, 3)
	if err != nil {
		t.Fatal(err)
	}
	ts := base.Tensors()
	if err := m.Load(ts); err != nil {
		t.Fatal(err)
	}
	for name, n := range m.Params {
		if !slices.Equal(values(n), ts[name].Data) {
			t.Fatalf("%s not loaded", name)
		}
	}
	for name := range ts {
		delete(ts, name)
		break
	}
	if err := m.Load(ts); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("a base checkpoint without a weight: %v", err)
	}
}
