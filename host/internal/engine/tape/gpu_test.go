package tape_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
	"dnw/host/internal/engine"
	"dnw/host/internal/weightgen"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// The agreement tests train on the CPU (the gorgonia engine) and on the GPU (the
// engine's device path) from the same seed. The two differ by float rounding only
// (other summation orders, fused multiply-adds, other exp and erf), which training
// amplifies: Adam turns a gradient that is zero but for rounding into a step of the
// full learning rate, so a GAN's adversarial losses part by a few percent within
// tens of steps even between two CPU BLAS libraries (docs/benchmarks.md, "GPU").
// So the tests require the first step's losses to agree within 1e-4 (the same
// weights and data through the whole forward pass), every step's loss that follows
// the data (the generator's L1, the denoiser's loss) within 1%, and the mean of each
// adversarial loss over the 50 steps within 1%. They skip without a GPU.

var gpu = device.Name{Kind: "cuda"}

func needGPU(t *testing.T) {
	t.Helper()
	if err := device.Check(gpu, "the agreement test"); err != nil {
		t.Skipf("no GPU: %v", err)
	}
}

func within(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want)+1e-6 }

// TestGPUGANAgreesWithTheCPU: 50 steps of E2GAN at 32×32 (batch 4), trained whole
// and with the paper's LoRA, and of pix2pix (batch_norm, dropout), at pix2pix's
// learning rate.
func TestGPUGANAgreesWithTheCPU(t *testing.T) {
	needGPU(t)
	e2 := smallE2GAN(t)
	cases := []struct {
		name      string
		model     ir.Model
		placement *sdk.Placement
	}{{"e2gan", e2, nil}, {"e2gan-lora", e2, paperPlacement(t, e2.Generator)}, {"pix2pix", smallPix2Pix(t), nil}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// run trains 50 steps on dev and returns the losses and the generator's
			// outputs on a fixed batch before and after training.
			run := func(dev device.Name) (losses []engine.StepLosses, before, after []float32) {
				g, err := engine.NewGAN(c.model, c.placement, engine.GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-4, Batch: 4, Device: dev}, 1)
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				gen, err := engine.NewGenerator(c.model.Generator, 4, g.Gen)
				if err != nil {
					t.Fatal(err)
				}
				defer gen.Close()
				n := 4
				for _, d := range c.model.Generator.Inputs[0].Shape {
					n *= d
				}
				probe, _ := pairs(99, n)
				if before, err = gen.Run(probe); err != nil {
					t.Fatal(err)
				}
				for step := range 50 {
					src, tgt := pairs(uint64(step), n)
					l, err := g.Step(src, tgt)
					if err != nil {
						t.Fatal(err)
					}
					losses = append(losses, l)
				}
				if after, err = gen.Run(probe); err != nil {
					t.Fatal(err)
				}
				return losses, before, after
			}
			want, wantBefore, wantAfter := run(device.CPU)
			got, gotBefore, gotAfter := run(gpu)
			// The inference graph over the same weights: the forward pass, to 1e-4.
			if e := relL2(gotBefore, wantBefore); e > 1e-4 {
				t.Errorf("the untrained generators' outputs differ by %.3g (‖GPU − CPU‖/‖CPU‖), want ≤ 1e-4", e)
			}
			var meanG, meanW engine.StepLosses
			for i := range want {
				w, g := want[i], got[i]
				if i%10 == 0 || i == len(want)-1 {
					t.Logf("step %2d: relative differences L1 %+.1e, adversarial %+.1e, discriminator %+.1e",
						i, g.L1/w.L1-1, g.GenAdv/w.GenAdv-1, g.Disc/w.Disc-1)
				}
				tol := 0.01
				if i == 0 {
					tol = 1e-4
					if !within(float64(g.GenAdv), float64(w.GenAdv), tol) || !within(float64(g.Disc), float64(w.Disc), tol) {
						t.Errorf("first step: GPU %+v, CPU %+v: more than 1e-4 apart", g, w)
					}
				}
				if !within(float64(g.L1), float64(w.L1), tol) {
					t.Errorf("step %d: GPU L1 %g, CPU %g: more than %g apart", i, g.L1, w.L1, tol)
				}
				meanG.GenAdv += g.GenAdv / 50
				meanG.Disc += g.Disc / 50
				meanW.GenAdv += w.GenAdv / 50
				meanW.Disc += w.Disc / 50
			}
			if !within(float64(meanG.GenAdv), float64(meanW.GenAdv), 0.01) || !within(float64(meanG.Disc), float64(meanW.Disc), 0.01) {
				t.Errorf("mean adversarial losses: GPU %g and %g, CPU %g and %g: more than 1%% apart",
					meanG.GenAdv, meanG.Disc, meanW.GenAdv, meanW.Disc)
			}
			// After 50 steps the outputs differ as the adversarial losses do (e2gan: 2%
			// on the H200 run of docs/benchmarks.md): reported, not bounded.
			t.Logf("the trained generators' outputs differ by %.1e (‖GPU − CPU‖/‖CPU‖)", relL2(gotAfter, wantAfter))
		})
	}
}

// TestGPUDenoiserAgreesWithTheCPU: 50 AdamW steps of the weight generator's
// denoiser with its moving average.
func TestGPUDenoiserAgreesWithTheCPU(t *testing.T) {
	needGPU(t)
	g, err := weightgen.Build(denoiserSpec())
	if err != nil {
		t.Fatal(err)
	}
	const batch = 64
	run := func(dev device.Name) []float64 {
		opt := engine.NewAdam(1e-3, 0.9)
		opt.WeightDecay = 0.01
		r, err := engine.NewRegression(g, batch, 1, opt, 0.99, dev)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rng := rand.New(rand.NewPCG(1, 2))
		out := batch * denoiserSpec().ChunkSize
		var losses []float64
		for range 50 {
			in, y := randomBatch(rng, g, batch, out)
			l, err := r.Step(in, y, nil)
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, l)
		}
		return losses
	}
	want, got := run(device.CPU), run(gpu)
	for i := range want {
		tol := 0.01
		if i == 0 {
			tol = 1e-4
		}
		if !within(got[i], want[i], tol) {
			t.Errorf("step %d: GPU loss %g, CPU %g: more than %g apart", i, got[i], want[i], tol)
		}
		if i%10 == 0 || i == len(want)-1 {
			t.Logf("step %2d: relative difference %+.1e", i, got[i]/want[i]-1)
		}
	}
}

// relL2 is ‖got − want‖₂/‖want‖₂.
func relL2(got, want []float32) float64 {
	d, s := 0.0, 1e-30
	for i := range want {
		e := float64(got[i] - want[i])
		d += e * e
		s += float64(want[i]) * float64(want[i])
	}
	return math.Sqrt(d / s)
}
