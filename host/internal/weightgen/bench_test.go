package weightgen

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
	"dnw/host/internal/engine"
)

// The paper's LoRA on dnw's default E2GAN (arch.e2gan at 64×64, lora.e2gan-paper,
// rank 4) is 53 568 weights, which chunk.per-layer cuts into 210 chunks of 256
// (dnw run experiments/selftest.toml, stages/plugins/plugins.json); text.hashgram
// embeds prompts in 256 values.
const (
	e2ganChunks = 210
	hashgramDim = 256
)

// benchDenoiser is one denoiser size (and text route) to time.
type benchDenoiser struct {
	w     [3]int
	heads int
	route string
}

// spec is the denoiser for the default E2GAN LoRA; the linear route has the default
// weightgen.text_rank, 64.
func (d benchDenoiser) spec() Spec {
	return Spec{ChunkSize: 256, Widths: d.w, Depths: [3]int{1, 1, 1}, Heads: d.heads, TextDim: hashgramDim,
		SinDim: d.w[0], BlockIndex: IndexSinusoidal, Output: OutputV, Chunks: e2ganChunks, TextRoute: d.route, RouteRank: 64}
}

func (d benchDenoiser) String() string {
	return fmt.Sprintf("widths=%d-%d-%d/route=%s", d.w[0], d.w[1], d.w[2], d.route)
}

// benchDenoisers are the paper-sized denoiser of dnw's first default, the smaller
// ones this machine's prediction target calls for (docs/benchmarks.md), and the
// default with the linear text route.
var benchDenoisers = []benchDenoiser{{[3]int{64, 128, 256}, 4, RouteNone}, {[3]int{16, 32, 64}, 4, RouteNone},
	{[3]int{16, 32, 32}, 4, RouteNone}, {[3]int{8, 16, 32}, 4, RouteNone}, {[3]int{8, 16, 32}, 4, RouteLinear}}

// benchDevice is where the benchmarks run: -device cuda (with a test binary built
// with the dnw_cuda tag) times them on a GPU.
var benchDevice = flag.String("device", "cpu", "device of the benchmarks: cpu, cuda or cuda:N")

func benchDev(b *testing.B) device.Name {
	d, err := device.Parse(*benchDevice)
	if err == nil {
		err = device.Check(d, "-device")
	}
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkPredictE2GAN times one-step prediction of all 210 chunks of the default
// E2GAN LoRA in one batch (the paper's generation step), per denoiser size.
//
//	go test -tags openblas ./host/internal/weightgen -run '^$' -bench PredictE2GAN -benchtime 5x
//	weightgen.test -test.run '^$' -test.bench PredictE2GAN -test.benchtime 20x -device cuda   (make cuda-tests)
func BenchmarkPredictE2GAN(b *testing.B) {
	for _, d := range benchDenoisers {
		b.Run(d.String(), func(b *testing.B) {
			spec := d.spec()
			g, err := Build(spec)
			if err != nil {
				b.Fatal(err)
			}
			m, err := engine.Compile(g, 1, 1)
			if err != nil {
				b.Fatal(err)
			}
			p, err := NewPredictor(spec, linearTables(1000), m.Tensors(), benchDev(b))
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			text := make([]float32, hashgramDim)
			rng := rand.New(rand.NewPCG(1, 1))
			for b.Loop() {
				if _, err := p.OneStep(text, 500, rng); err != nil {
					b.Fatal(err)
				}
			}
			flops := 2 * float64(MultiplyAdds(g)) * e2ganChunks
			b.ReportMetric(flops/1e9, "GFLOP")
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkTrainE2GAN times training steps of batch 64 chunks of 256 and reports
// chunks/s, per denoiser size.
//
//	go test -tags openblas ./host/internal/weightgen -run '^$' -bench TrainE2GAN -benchtime 5x
func BenchmarkTrainE2GAN(b *testing.B) {
	const batch = 64
	for _, d := range benchDenoisers {
		b.Run(d.String(), func(b *testing.B) {
			spec := d.spec()
			tr, err := NewTrainer(spec, linearTables(1000), TrainConfig{Batch: batch, LR: 1e-3, EMA: 0.999, Device: benchDev(b)}, 1)
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			rng := rand.New(rand.NewPCG(1, 1))
			data := []Example{{Chunks: make([]float32, e2ganChunks*256), Text: make([]float32, hashgramDim)}}
			for i := range data[0].Chunks {
				data[0].Chunks[i] = float32(rng.NormFloat64())
			}
			for b.Loop() {
				if _, err := tr.Step(rng, data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "chunks/s")
		})
	}
}
