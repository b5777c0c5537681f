package engine

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"dnw/plugins/arch/e2gan"
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
