package weightgen

import (
	"fmt"
	"math/rand/v2"
	"testing"

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

// benchSpec is the denoiser at the given widths for the default E2GAN LoRA.
func benchSpec(widths [3]int, heads int) Spec {
	return Spec{ChunkSize: 256, Widths: widths, Depths: [3]int{1, 1, 1}, Heads: heads, TextDim: hashgramDim,
		SinDim: widths[0], BlockIndex: IndexSinusoidal, Output: OutputV, Chunks: e2ganChunks}
}

// benchWidths are the paper-sized denoiser of dnw's first default and the smaller
// ones this machine's prediction target calls for (docs/benchmarks.md).
var benchWidths = []struct {
	w     [3]int
	heads int
}{{[3]int{64, 128, 256}, 4}, {[3]int{16, 32, 64}, 4}, {[3]int{16, 32, 32}, 4}, {[3]int{8, 16, 32}, 4}}

// BenchmarkPredictE2GAN times one-step prediction of all 210 chunks of the default
// E2GAN LoRA in one batch (the paper's generation step), per denoiser size.
//
//	go test -tags openblas ./host/internal/weightgen -run '^$' -bench PredictE2GAN -benchtime 5x
func BenchmarkPredictE2GAN(b *testing.B) {
	for _, bw := range benchWidths {
		b.Run(fmt.Sprintf("widths=%d-%d-%d", bw.w[0], bw.w[1], bw.w[2]), func(b *testing.B) {
			spec := benchSpec(bw.w, bw.heads)
			g, err := Build(spec)
			if err != nil {
				b.Fatal(err)
			}
			m, err := engine.Compile(g, 1, 1)
			if err != nil {
				b.Fatal(err)
			}
			p, err := NewPredictor(spec, linearTables(1000), m.Tensors())
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
	for _, bw := range benchWidths {
		b.Run(fmt.Sprintf("widths=%d-%d-%d", bw.w[0], bw.w[1], bw.w[2]), func(b *testing.B) {
			spec := benchSpec(bw.w, bw.heads)
			tr, err := NewTrainer(spec, linearTables(1000), TrainConfig{Batch: batch, LR: 1e-3, EMA: 0.999}, 1)
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
