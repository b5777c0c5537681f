//go:build !race

package weightgen

import (
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
)

// These tests train for seconds to half a minute; under the race detector they would
// take minutes, so they are left out of race builds and make test runs them without
// -race.

// TestOverfitTwoConceptsOneStep trains the denoiser on two concepts and predicts each
// concept's LoRA in one step (t* = 500 of 1000) from its prompt: the relative L2
// error must be under 10% of the concept's vector, and under a third of the distance
// between the two concepts, so that the prediction is the concept's own and not
// their mean. DDIM's error is logged beside it; TestSamplersWithAnExactDenoiser checks
// the samplers themselves. Both network outputs must pass.
func TestOverfitTwoConceptsOneStep(t *testing.T) {
	for _, output := range []string{OutputV, OutputEpsilon} {
		t.Run(output, func(t *testing.T) { overfitTwoConcepts(t, output) })
	}
}

func overfitTwoConcepts(t *testing.T, output string) {
	codec, concepts, data := overfitData(rand.New(rand.NewPCG(1, 2)))
	spec, tables := tinyDenoiser(IndexSinusoidal, output), linearTables(1000)
	tr, first, last := train(t, spec, tables, data, 2000)
	p, err := NewPredictor(spec, tables, tr.Reg.EMA.Tensors(tr.Reg.Model), device.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	apart := l2(concepts[0], concepts[1])
	for c, want := range concepts {
		for draw := range 3 {
			rng := rand.New(rand.NewPCG(9, uint64(3*c+draw)))
			one, err := p.OneStep(data[2*c].Text, 500, rng)
			if err != nil {
				t.Fatal(err)
			}
			ddim, err := p.DDIM(data[2*c].Text, 20, rng)
			if err != nil {
				t.Fatal(err)
			}
			got := codec.Vector(one)
			rel, own, viaDDIM := l2(got, want)/l2(want, nil), l2(got, want)/apart, l2(codec.Vector(ddim), want)/l2(want, nil)
			t.Logf("concept %d, draw %d: loss %.3f → %.4f; one step: relative L2 error %.3f, %.3f of the distance between the concepts; DDIM (20 steps) %.3f",
				c, draw, first, last, rel, own, viaDDIM)
			if rel >= 0.1 || own >= 1.0/3 {
				t.Errorf("concept %d: one step %.3f (want < 0.1), %.3f of the concepts' distance (want < 1/3)", c, rel, own)
			}
		}
	}
}

// TestTrainsWithoutBlockIndex: the ablation block_index = "none" builds and trains.
func TestTrainsWithoutBlockIndex(t *testing.T) {
	_, _, data := overfitData(rand.New(rand.NewPCG(1, 2)))
	_, first, last := train(t, tinyDenoiser(IndexNone, OutputV), linearTables(1000), data, 200)
	if !(last < first*2/3) {
		t.Errorf("loss %.3f → %.3f over 200 steps: want two thirds or less", first, last)
	}
}
