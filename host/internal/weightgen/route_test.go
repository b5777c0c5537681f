//go:build !race

package weightgen

import (
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
)

// TestLinearRouteGeneralizesToNewPrompts: when every concept's chunks are a linear
// function of its prompt embedding, w = W·τ, a denoiser with the linear text route,
// trained on 24 prompts, predicts the LoRA of 8 prompts it never saw in one step
// from pure noise with well under half the error of the training mean (zero here),
// and clearly better than the same denoiser without the route: the UNet's own text
// path also generalizes somewhat, so an absolute bound alone cannot tell whether the
// route works. Rank 24 = N·D lets the route hold each chunk's own W_n (at rank 8 it
// cannot, and the two errors were 0.29 and 0.37). Over data and training seeds 0–7
// the errors were 0.24–0.34 with the route and 0.47–0.63 without, a ratio of
// 0.45–0.60; the test asks for below 0.4 and a ratio below 0.75.
func TestLinearRouteGeneralizesToNewPrompts(t *testing.T) {
	const train, heldout, dim = 24, 8, 6
	rng := rand.New(rand.NewPCG(7, 8))
	spec := tinyDenoiser(IndexSinusoidal, OutputV)
	size := spec.Chunks * spec.ChunkSize
	w := make([]float64, size*dim) // N(0, 1/D): each weight of W·τ is about N(0, 1)
	for i := range w {
		w[i] = rng.NormFloat64() / math.Sqrt(dim)
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
	var data, unseen []Example
	for range train {
		data = append(data, concept())
	}
	for range heldout {
		unseen = append(unseen, concept())
	}
	errorOn := func(route string) float64 {
		s := spec
		s.TextDim, s.TextRoute, s.RouteRank = dim, route, spec.Chunks*dim
		tables := linearTables(1000)
		tr, _, _ := trainWith(t, s, tables, TrainConfig{Batch: 32, LR: 5e-3, Steps: 300, EMA: 0.98, Loss: LossV}, data)
		p, err := NewPredictor(s, tables, tr.Reg.EMA.Tensors(tr.Reg.Model), device.CPU)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		rel := 0.0
		for k, e := range unseen {
			pred, err := p.OneStep(e.Text, 1000, rand.New(rand.NewPCG(uint64(k), 9)))
			if err != nil {
				t.Fatal(err)
			}
			rel += l2(pred, e.Chunks) / l2(e.Chunks, nil) / heldout
		}
		return rel
	}
	withRoute, without := errorOn(RouteLinear), errorOn(RouteNone)
	t.Logf("held-out relative L2 error (the mean's is 1): linear route %.3f, none %.3f", withRoute, without)
	if withRoute >= 0.4 {
		t.Errorf("with the linear route, held-out relative error %.3f: want < 0.4", withRoute)
	}
	if withRoute >= 0.75*without {
		t.Errorf("with the linear route, held-out relative error %.3f; without it %.3f: want the route's below 0.75 times the other", withRoute, without)
	}
}
