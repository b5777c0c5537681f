//go:build !race

package weightgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
)

// linearData is a weight dataset whose chunks are exactly linear in the prompt
// embedding, w = W·τ with W fixed and τ ~ N(0, I): train concepts to learn from and
// heldout concepts whose prompts training never sees. A ridge regression recovers W
// from train ≥ dim concepts, so a generator that reads the prompt can beat the
// training mean (zero here) on the held-out ones.
func linearData(seed uint64, spec Spec, dim, train, heldout int) (data, unseen []Example) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	size := spec.Chunks * spec.ChunkSize
	w := make([]float64, size*dim) // N(0, 1/D): each weight of W·τ is about N(0, 1)
	for i := range w {
		w[i] = rng.NormFloat64() / math.Sqrt(float64(dim))
	}
	concept := func() Example {
		e := Example{Chunks: make([]float32, size), Text: make([]float32, dim)}
		for j := range e.Text {
			e.Text[j] = float32(rng.NormFloat64())
		}
		for i := range e.Chunks {
			for j, x := range e.Text {
				e.Chunks[i] += float32(w[i*dim+j]) * x
			}
		}
		return e
	}
	for range train {
		data = append(data, concept())
	}
	for range heldout {
		unseen = append(unseen, concept())
	}
	return data, unseen
}

// heldoutError trains the denoiser spec with cfg on data and returns the mean
// relative L2 error of its one-step predictions at tStar for the unseen concepts:
// 1 is the training mean's error.
func heldoutError(t testing.TB, spec Spec, cfg TrainConfig, tStar int, data, unseen []Example) float64 {
	t.Helper()
	tables := linearTables(1000)
	tr, _, _ := trainWith(t, spec, tables, cfg, data)
	p, err := NewPredictor(spec, tables, tr.Reg.EMA.Tensors(tr.Reg.Model), device.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rel := 0.0
	for k, e := range unseen {
		pred, err := p.OneStep(e.Text, tStar, rand.New(rand.NewPCG(uint64(k), 9)))
		if err != nil {
			t.Fatal(err)
		}
		rel += l2(pred, e.Chunks) / l2(e.Chunks, nil) / float64(len(unseen))
	}
	return rel
}

// TestOneStepDefaultsBeatTheMeanOnLinearData: on linear data, the defaults (output
// v, the v loss, t* = T) with 100 draws per (concept, chunk) pair predict unseen
// prompts' LoRAs clearly better than the training mean, where the former defaults
// (the ε loss, t* = 500) stay near it, and so do the defaults with a tenth of the
// draws (weightgen.MinDrawsPerPair).
func TestOneStepDefaultsBeatTheMeanOnLinearData(t *testing.T) {
	const dim = 6
	spec := tinyDenoiser(IndexSinusoidal, OutputV)
	spec.TextDim = dim
	data, unseen := linearData(7, spec, dim, 24, 8)
	steps := MinDrawsPerPair * len(data) * spec.Chunks / 32 // batch 32: 100 draws per pair
	cfg := TrainConfig{Batch: 32, LR: 5e-3, Steps: steps, EMA: 0.98, Loss: LossV}
	defaults := heldoutError(t, spec, cfg, 1000, data, unseen)
	old := cfg
	old.Loss = LossEpsilon
	former := heldoutError(t, spec, old, 500, data, unseen)
	short := cfg
	short.Steps /= 10
	few := heldoutError(t, spec, short, 1000, data, unseen)
	t.Logf("held-out relative L2 error (the mean's is 1): defaults %.3f, former defaults %.3f, defaults at %d draws per pair %.3f",
		defaults, former, MinDrawsPerPair/10, few)
	if defaults >= 0.75 {
		t.Errorf("defaults: held-out relative error %.3f; want < 0.75", defaults)
	}
	if former < defaults+0.15 || few < defaults+0.15 {
		t.Errorf("the former defaults (%.3f) or a tenth of the draws (%.3f) are within 0.15 of the defaults (%.3f): the test no longer tells them apart", former, few, defaults)
	}
}

// BenchmarkTStarShareOnLinearData measures what drawing a share of the training
// timesteps at t* does to one-step prediction for unseen prompts, on linear data of
// three seeds at 100 draws per pair: the held-out relative error per share (the
// mean's is 1; docs/benchmarks.md, "Timesteps drawn at t*").
//
//	go test -tags openblas ./host/internal/weightgen -run '^$' -bench TStarShare -benchtime 1x
func BenchmarkTStarShareOnLinearData(b *testing.B) {
	const dim = 6
	spec := tinyDenoiser(IndexSinusoidal, OutputV)
	spec.TextDim = dim
	for range b.N {
		for _, share := range []float64{0, 0.5, 0.75, 0.9, 1} {
			sum := 0.0
			for _, seed := range []uint64{7, 11, 13} {
				data, unseen := linearData(seed, spec, dim, 24, 8)
				cfg := TrainConfig{Batch: 32, LR: 5e-3, Steps: MinDrawsPerPair * len(data) * spec.Chunks / 32, EMA: 0.98,
					Loss: LossV, TStarShare: share, TStar: 1000}
				e := heldoutError(b, spec, cfg, 1000, data, unseen)
				b.Logf("share %.2f, seed %d: %.3f", share, seed, e)
				sum += e
			}
			b.ReportMetric(sum/3, fmt.Sprintf("err@share%.2f", share))
		}
	}
}
