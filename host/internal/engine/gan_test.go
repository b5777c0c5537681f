package engine

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dnw/plugins/arch/e2gan"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/sdk"
	"dnw/sdk/ir"
)

func tinyE2GANModel(t *testing.T) ir.Model {
	t.Helper()
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGANTrainsTheBaseModelOnATinyTask is the engine's smoke test: a small E2GAN
// generator against its PatchGAN, pix2pix objective (LSGAN + 100·L1, Adam β1 = 0.5),
// on one fixed paired task. The L1 loss must fall by at least half, and a second run
// with the same seed must repeat every loss exactly.
func TestGANTrainsTheBaseModelOnATinyTask(t *testing.T) {
	model := tinyE2GANModel(t)
	run := func(loss string) []StepLosses {
		g, err := NewGAN(model, nil, GANConfig{Loss: loss, LambdaL1: 100, LR: 2e-3, Batch: 2}, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		rng := rand.New(rand.NewPCG(5, 6))
		src := make([]float32, 2*3*16*16)
		tgt := make([]float32, len(src))
		for i := range src {
			src[i] = float32(rng.Float64()*2 - 1)
			tgt[i] = -0.5 * src[i]
		}
		var out []StepLosses
		for range 60 {
			l, err := g.Step(src, tgt)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, l)
		}
		// The generator step's frozen discriminator reads the discriminator's tensors.
		for name, p := range g.Disc.Params {
			frozen := g.Gen.G.ByName("frozen/" + name)
			if len(frozen) != 1 || !slices.Equal(frozen[0].Value().Data().([]float32), p.Value().Data().([]float32)) {
				t.Fatalf("frozen discriminator weight %s does not follow the discriminator", name)
			}
		}
		return out
	}
	for _, loss := range []string{"lsgan", "bce"} {
		a := run(loss)
		first, last := a[0].L1, a[len(a)-1].L1
		if last > 0.5*first {
			t.Errorf("%s: L1 went from %.4f to %.4f, want a cut of at least half", loss, first, last)
		}
		t.Logf("%s: L1 %.4f → %.4f; D loss %.4f → %.4f", loss, first, last, a[0].Disc, a[len(a)-1].Disc)
		if loss == "lsgan" {
			b := run(loss)
			if !slices.Equal(a, b) {
				t.Error("the same seed gave other losses")
			}
		}
	}
}

// TestDiscriminatorSeesTheGeneratedImages: the fake half of the discriminator's batch
// is the generator's output for the step's sources (computed before the generator's
// update), not whatever the backward pass left in the fake's buffer.
func TestDiscriminatorSeesTheGeneratedImages(t *testing.T) {
	model, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGAN(model, nil, GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-4, Batch: 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gen, err := NewGenerator(model.Generator, 2, g.Gen) // group norm, no dropout: the same as training's forward
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	src, tgt := tinyPairs(6, 2*3*16*16)
	want, err := gen.Run(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Step(src, tgt); err != nil {
		t.Fatal(err)
	}
	got := g.discPair.Data().([]float32)[len(src):]
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-6 {
			t.Fatalf("fake half [%d] = %v, the generator's output %v", i, got[i], want[i])
		}
	}
}

// TestLoRAGANTrainsOnlyTheAdapters: the same GAN loop with a placement (lora.e2gan-paper)
// updates the generator's LoRA tensors and the norms the placement trains, and leaves
// every other base weight of the generator exactly as it was; the inference generator
// translates with the adapters.
func TestLoRAGANTrainsOnlyTheAdapters(t *testing.T) {
	model, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e2ganpaper.New().Place(context.Background(), model.Generator, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGAN(model, &p, GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-3, Batch: 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gen, err := NewGenerator(model.Generator, 2, g.Gen)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	src, tgt := tinyPairs(8, 2*3*16*16)
	before := g.Gen.Tensors()
	out0, _ := gen.Run(src)
	for range 3 {
		if _, err := g.Step(src, tgt); err != nil {
			t.Fatal(err)
		}
	}
	trainable := map[string]bool{}
	for _, n := range g.Gen.Trainable {
		trainable[n.Name()] = true
	}
	after := g.Gen.Tensors()
	changedLoRA := 0
	for name, t0 := range before {
		moved := !slices.Equal(t0.Data, after[name].Data)
		switch {
		case trainable[name] && moved:
			changedLoRA++
		case !trainable[name] && moved && !strings.HasSuffix(name, runningMean) && !strings.HasSuffix(name, runningVar):
			t.Errorf("frozen tensor %s changed", name)
		}
	}
	if changedLoRA == 0 || len(g.Gen.LoRA) == 0 {
		t.Errorf("%d LoRA tensors, %d trainable tensors changed", len(g.Gen.LoRA), changedLoRA)
	}
	if out1, _ := gen.Run(src); slices.Equal(out0, out1) {
		t.Error("the inference generator did not follow the adapters")
	}
}
