package tape_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
	"dnw/host/internal/engine"
	"dnw/host/internal/engine/tape"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/weightgen"
	"dnw/plugins/arch/e2gan"
	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// The tests of this file train the same models with the gorgonia engine and the
// tape engine, from the same weights, and compare what they compute: on the CPU
// backend here (the plan, its gradients and its loops against the engine every
// pipeline has used), and on a GPU in gpu_test.go.

func tinyE2GAN(t testing.TB) ir.Model {
	t.Helper()
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// smallE2GAN is arch.e2gan at 32×32 with narrow layers.
func smallE2GAN(t testing.TB) ir.Model {
	t.Helper()
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 32, Channels: 3,
		Options: sdk.Options{"width": int64(16), "res_blocks": int64(2), "heads": int64(4), "disc_width": int64(16)}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// smallPix2Pix has batch_norm and dropout in the generator, batch_norm in the
// discriminator. It is 32×32 and three levels deep because at 16×16 batch_norm
// normalizes a few values at the bottleneck: 1/√(variance + eps) then amplifies
// the last bit of rounding (the engines round λ·(1/n) and λ/n differently) until
// the two runs part after three steps, while here they agree to 1e-6.
func smallPix2Pix(t testing.TB) ir.Model {
	t.Helper()
	m, err := pix2pixunet.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 32, Channels: 3,
		Options: sdk.Options{"width": int64(8), "depth": int64(3), "disc_width": int64(8), "disc_layers": int64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func paperPlacement(t testing.TB, g ir.Graph) *sdk.Placement {
	t.Helper()
	p, err := e2ganpaper.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &p
}

// pairs is a batch of sources in [-1, 1] and targets a fixed function of them.
func pairs(seed uint64, n int) (src, tgt []float32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	src, tgt = make([]float32, n), make([]float32, n)
	for i := range src {
		src[i] = float32(rng.Float64()*2 - 1)
		tgt[i] = -0.5*src[i] + 0.1
	}
	return src, tgt
}

// zeroInit leaves parameters at zero: the tests load the gorgonia engine's weights.
var zeroOptions = tape.Options{
	Init:     func([]float32, ir.Param) error { return nil },
	LoRAInit: func(p sdk.Param) []float32 { return make([]float32, p.Size()) },
}

// near reports whether got is within rel of want (relative to |want|, or absolute
// below 1e-3).
func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), 1e-3)
}

// TestTapeGANMatchesTheEngine: 15 steps of pix2pix (batch_norm, dropout, the whole
// generator training) and of E2GAN with the paper's LoRA placement, from the same
// weights on both engines, give the same losses to 1e-3 and the same trained
// tensors.
func TestTapeGANMatchesTheEngine(t *testing.T) {
	cases := []struct {
		name      string
		model     ir.Model
		placement bool
		loss      string
		batch     int
	}{{"pix2pix/lsgan", smallPix2Pix(t), false, "lsgan", 4}, {"e2gan-lora/bce", tinyE2GAN(t), true, "bce", 2}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var placement *sdk.Placement
			if c.placement {
				placement = paperPlacement(t, c.model.Generator)
			}
			cfg := engine.GANConfig{Loss: c.loss, LambdaL1: 100, LR: 2e-3, Batch: c.batch}
			eg, err := engine.NewGAN(c.model, placement, cfg, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer eg.Close()
			gen, disc := zeroOptions, zeroOptions
			gen.Seed, gen.Placement, disc.Seed = 1, placement, 2
			tg, err := tape.NewGAN(tape.NewCPU(), c.model, tape.GANConfig{Loss: c.loss, LambdaL1: 100, LR: 2e-3, Batch: c.batch}, gen, disc)
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close()
			if err := tg.Gen.Load(eg.Gen.Tensors()); err != nil {
				t.Fatal(err)
			}
			if err := tg.Disc.Load(eg.Disc.Tensors()); err != nil {
				t.Fatal(err)
			}
			n := c.batch
			for _, d := range c.model.Generator.Inputs[0].Shape {
				n *= d
			}
			src, tgt := pairs(3, n)
			for step := range 15 {
				want, err := eg.Step(src, tgt)
				if err != nil {
					t.Fatal(err)
				}
				got, err := tg.Step(src, tgt)
				if err != nil {
					t.Fatal(err)
				}
				if !near(float64(got.L1), float64(want.L1), 1e-3) || !near(float64(got.GenAdv), float64(want.GenAdv), 1e-3) ||
					!near(float64(got.Disc), float64(want.Disc), 1e-3) {
					t.Fatalf("step %d: tape %+v, engine %+v", step, got, want)
				}
			}
			compareTensors(t, tg.Gen.Tensors(), eg.Gen.Tensors(), 1e-3)
			compareTensors(t, tg.Disc.Tensors(), eg.Disc.Tensors(), 1e-3)
		})
	}
}

// compareTensors fails unless every tensor of want is in got with values within
// rel of want's largest magnitude.
func compareTensors(t *testing.T, got, want map[string]safetensors.Tensor, rel float64) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("tensor %s missing", name)
			continue
		}
		wd, gd := w.Data, g.Data
		scale := 1e-6
		for _, v := range wd {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		for i := range wd {
			if math.Abs(float64(gd[i]-wd[i])) > rel*scale {
				t.Errorf("tensor %s[%d] = %g, want %g", name, i, gd[i], wd[i])
				break
			}
		}
	}
}

// denoiserSpec is a small weight generator with every part the default one has:
// the UNet's levels, attention, the text route.
func denoiserSpec() weightgen.Spec {
	return weightgen.Spec{ChunkSize: 16, Widths: [3]int{8, 16, 16}, Depths: [3]int{1, 1, 1}, Heads: 2,
		TextDim: 6, SinDim: 8, BlockIndex: weightgen.IndexSinusoidal, Output: weightgen.OutputV, Chunks: 5,
		TextRoute: weightgen.RouteLinear, RouteRank: 4}
}

// randomBatch draws every input of g for batch samples, and targets for its output.
func randomBatch(rng *rand.Rand, g ir.Graph, batch, outSize int) (map[string][]float32, []float32) {
	in := map[string][]float32{}
	for _, x := range g.Inputs {
		n := batch
		for _, d := range x.Shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		in[x.Name] = v
	}
	y := make([]float32, outSize)
	for i := range y {
		y[i] = float32(rng.NormFloat64())
	}
	return in, y
}

// TestTapeRegressionMatchesTheEngine: 20 AdamW steps of the weight generator's
// denoiser, from the same weights, give the same losses on both engines.
func TestTapeRegressionMatchesTheEngine(t *testing.T) {
	g, err := weightgen.Build(denoiserSpec())
	if err != nil {
		t.Fatal(err)
	}
	const batch = 8
	opt := engine.NewAdam(1e-3, 0.9)
	opt.WeightDecay = 0.01
	er, err := engine.NewRegression(g, batch, 1, opt, 0.99, device.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer er.Close()
	tr, err := tape.NewRegression(tape.NewCPU(), g, withBatch(zeroOptions, batch), 1e-3, 0.9, 0.99)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	tr.Opt.WeightDecay = 0.01
	if err := tr.Model.Load(er.Model.Tensors()); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	out := 1
	for _, d := range er.Model.Outputs[0].Shape() {
		out *= d
	}
	for step := range 20 {
		in, y := randomBatch(rng, g, batch, out)
		want, err := er.Step(in, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tr.Step(in, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, want, 1e-3) {
			t.Fatalf("step %d: tape loss %g, engine %g", step, got, want)
		}
	}
}

func withBatch(o tape.Options, batch int) tape.Options {
	o.Batch = batch
	return o
}
