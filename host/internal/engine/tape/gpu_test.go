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
// engine's device path) from the same seed, and require every step's losses to
// agree within 1%: the two differ only by float rounding, which training
// amplifies but must not let run away. They skip without a GPU.

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
			run := func(dev device.Name) ([]engine.StepLosses, []float32) {
				g, err := engine.NewGAN(c.model, c.placement, engine.GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-4, Batch: 4, Device: dev}, 1)
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				n := 4
				for _, d := range c.model.Generator.Inputs[0].Shape {
					n *= d
				}
				var out []engine.StepLosses
				for step := range 50 {
					src, tgt := pairs(uint64(step), n)
					l, err := g.Step(src, tgt)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, l)
				}
				gen, err := engine.NewGenerator(c.model.Generator, 4, g.Gen)
				if err != nil {
					t.Fatal(err)
				}
				defer gen.Close()
				src, _ := pairs(99, n)
				y, err := gen.Run(src)
				if err != nil {
					t.Fatal(err)
				}
				return out, y
			}
			want, wantY := run(device.CPU)
			got, gotY := run(gpu)
			for i := range want {
				w, g := want[i], got[i]
				if !within(float64(g.L1), float64(w.L1), 0.01) || !within(float64(g.GenAdv), float64(w.GenAdv), 0.01) ||
					!within(float64(g.Disc), float64(w.Disc), 0.01) {
					t.Fatalf("step %d: GPU %+v, CPU %+v: more than 1%% apart", i, g, w)
				}
			}
			t.Logf("step 50: GPU %+v, CPU %+v", got[49], want[49])
			if e := maxRel(gotY, wantY); e > 0.01 {
				t.Errorf("the trained generators' outputs differ by %.3g of their largest value", e)
			}
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
		if !within(got[i], want[i], 0.01) {
			t.Fatalf("step %d: GPU loss %g, CPU %g: more than 1%% apart", i, got[i], want[i])
		}
	}
	t.Logf("step 50: GPU loss %g, CPU %g", got[49], want[49])
}

func maxRel(got, want []float32) float64 {
	d, s := 0.0, 1e-30
	for i := range want {
		d = math.Max(d, math.Abs(float64(got[i]-want[i])))
		s = math.Max(s, math.Abs(float64(want[i])))
	}
	return d / s
}
