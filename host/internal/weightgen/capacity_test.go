package weightgen

import (
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
)

// BenchmarkFitsRandomConcepts measures how much of its training data the default
// denoiser (widths 8/16/32) can write from its prompt alone: 8 concepts, each a
// random vector of 16 chunks of 256 weights (i.i.d. N(0, 1): no structure to
// exploit, the hardest case) with a random unit prompt embedding, trained as stage
// weightgen trains (1 500 steps of 64 chunks, AdamW 1e-3, EMA 0.999), then predicted
// in one step from noise. relative_error is ‖prediction − concept‖/‖concept‖,
// averaged over the concepts; 1 is the training mean's (zero's) error.
//
//	go test -tags openblas ./host/internal/weightgen -run '^$' -bench FitsRandomConcepts -benchtime 1x
func BenchmarkFitsRandomConcepts(b *testing.B) {
	const concepts, chunks, size, dim, steps = 8, 16, 256, 256, 1500
	rng := rand.New(rand.NewPCG(5, 6))
	gauss := func(n int, std float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(std * rng.NormFloat64())
		}
		return v
	}
	data := make([]Example, concepts)
	for k := range data {
		data[k] = Example{Chunks: gauss(chunks*size, 1), Text: gauss(dim, 1/math.Sqrt(dim))}
	}
	spec := Spec{ChunkSize: size, Widths: [3]int{8, 16, 32}, Depths: [3]int{1, 1, 1}, Heads: 4, TextDim: dim, SinDim: 8,
		BlockIndex: IndexSinusoidal, Output: OutputV, Chunks: chunks}
	tables := linearTables(1000)
	for b.Loop() {
		tr, err := NewTrainer(spec, tables, TrainConfig{Batch: 64, LR: 1e-3, Steps: steps, WeightDecay: 0.01, EMA: 0.999}, 1)
		if err != nil {
			b.Fatal(err)
		}
		draws := rand.New(rand.NewPCG(3, 4))
		for range steps {
			if _, err := tr.Step(draws, data); err != nil {
				b.Fatal(err)
			}
		}
		p, err := NewPredictor(spec, tables, tr.Reg.EMA.Tensors(tr.Reg.Model), device.CPU)
		if err != nil {
			b.Fatal(err)
		}
		for _, tStar := range []int{500, 1000} {
			rel := 0.0
			for k, e := range data {
				pred, err := p.OneStep(e.Text, tStar, rand.New(rand.NewPCG(uint64(k), 9)))
				if err != nil {
					b.Fatal(err)
				}
				rel += l2(pred, e.Chunks) / l2(e.Chunks, nil) / concepts
			}
			b.ReportMetric(rel, map[int]string{500: "relative_error_t500", 1000: "relative_error_t1000"}[tStar])
		}
		p.Close()
		tr.Close()
	}
}
