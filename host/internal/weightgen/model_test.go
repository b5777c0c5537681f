package weightgen

import (
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
	"dnw/sdk"
)

// linearTables is DDPM's linear schedule (β from 1e-4 to 0.02) over T steps.
func linearTables(T int) sdk.ScheduleTables {
	var tab sdk.ScheduleTables
	bar := 1.0
	for t := range T {
		beta := 1e-4 + (0.02-1e-4)*float64(t)/float64(T-1)
		bar *= 1 - beta
		tab.AlphaBar = append(tab.AlphaBar, bar)
		tab.Alpha = append(tab.Alpha, math.Sqrt(bar))
		tab.Sigma = append(tab.Sigma, math.Sqrt(1-bar))
	}
	return tab
}

// overfitData is two concepts of a 60-weight LoRA cut into 4 chunks of 16, two
// checkpoints each (a concept's vector plus a little noise), with distinct prompts.
// As in a real weight dataset, where every concept's A starts from one seed, the
// concepts share most of their vector: a common part twice the size of each one's own.
func overfitData(rng *rand.Rand) (*Codec, [][]float32, []Example) {
	params := []sdk.Param{{Name: "down", Shape: []int{4, 9}, Group: "l0"}, {Name: "up", Shape: []int{24}, Group: "l0"}}
	layout := sdk.ChunkLayout{ChunkSize: 16, Groups: []string{"l0"}, Chunks: []sdk.Chunk{
		{Segments: []sdk.Segment{{Param: 0, Offset: 0, Len: 16}}},
		{Segments: []sdk.Segment{{Param: 0, Offset: 16, Len: 16}}},
		{Segments: []sdk.Segment{{Param: 0, Offset: 32, Len: 4}, {Param: 1, Offset: 16, At: 4, Len: 8}}},
		{Segments: []sdk.Segment{{Param: 1, Offset: 0, Len: 16}}},
	}}
	common := make([]float32, 60)
	for j := range common {
		common[j] = float32(2 * rng.NormFloat64())
	}
	var concepts, vectors, texts [][]float32
	for range 2 {
		v, text := make([]float32, 60), make([]float32, 6)
		for j := range v {
			v[j] = common[j] + float32(rng.NormFloat64())
		}
		for j := range text {
			text[j] = float32(rng.NormFloat64())
		}
		concepts, texts = append(concepts, v), append(texts, text)
		for range 2 {
			ck := make([]float32, 60)
			for j := range ck {
				ck[j] = v[j] + float32(0.01*rng.NormFloat64())
			}
			vectors = append(vectors, ck)
		}
	}
	codec, err := NewCodec(layout, params, vectors)
	if err != nil {
		panic(err)
	}
	var data []Example
	for i, v := range vectors {
		data = append(data, Example{Chunks: codec.Chunks(v), Text: texts[i/2]})
	}
	return codec, concepts, data
}

func l2(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		d := float64(a[i])
		if b != nil {
			d -= float64(b[i])
		}
		s += d * d
	}
	return math.Sqrt(s)
}

// tinyDenoiser is the denoiser of the overfit tests: chunks of 16, widths 16/32/32.
func tinyDenoiser(index, output string) Spec {
	return Spec{ChunkSize: 16, Widths: [3]int{16, 32, 32}, Depths: [3]int{1, 1, 1}, Heads: 2,
		TextDim: 6, SinDim: 16, BlockIndex: index, Output: output, Chunks: 4}
}

// train runs steps of the tiny denoiser on data (cosine-decayed from lr 5e-3) and
// returns the trainer and the loss of the first and the last step.
func train(t *testing.T, spec Spec, tables sdk.ScheduleTables, data []Example, steps int) (*Trainer, float64, float64) {
	t.Helper()
	return trainWith(t, spec, tables, TrainConfig{Batch: 32, LR: 5e-3, Steps: steps, EMA: 0.98}, data)
}

// trainWith runs cfg.Steps steps on data and returns the trainer, closed when the
// test ends, and the loss of the first and the last step.
func trainWith(t testing.TB, spec Spec, tables sdk.ScheduleTables, cfg TrainConfig, data []Example) (*Trainer, float64, float64) {
	t.Helper()
	tr, err := NewTrainer(spec, tables, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Close)
	rng := rand.New(rand.NewPCG(3, 4))
	var first, last float64
	for i := range cfg.Steps {
		if last, err = tr.Step(rng, data); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = last
		}
	}
	return tr, first, last
}

// TestSamplersWithAnExactDenoiser: for data that is one point w₀, the exact ε̂ is
// (x − α_t·w₀)/σ_t; with it both samplers must return w₀ from any start.
func TestSamplersWithAnExactDenoiser(t *testing.T) {
	tables := linearTables(1000)
	w0 := []float32{0.5, -1.25, 2, 0}
	exact := func(x []float32, ts int) ([]float32, error) {
		a, s := float32(tables.Alpha[ts-1]), float32(tables.Sigma[ts-1])
		e := make([]float32, len(x))
		for i := range x {
			e[i] = (x[i] - a*w0[i]) / s
		}
		return e, nil
	}
	for _, tc := range []struct {
		name string
		run  func(x []float32) ([]float32, error)
	}{
		{"one step at 500", func(x []float32) ([]float32, error) { return oneStep(x, 500, tables, exact) }},
		{"DDIM, 20 steps", func(x []float32) ([]float32, error) { return ddim(x, 20, tables, exact) }},
		{"DDIM, 1 step", func(x []float32) ([]float32, error) { return ddim(x, 1, tables, exact) }},
	} {
		got, err := tc.run([]float32{1.5, 0.3, -0.7, 2.2})
		if err != nil {
			t.Fatal(err)
		}
		for i := range w0 {
			if math.Abs(float64(got[i]-w0[i])) > 1e-3 {
				t.Errorf("%s: %v, want %v", tc.name, got, w0)
				break
			}
		}
	}
	if _, err := oneStep(make([]float32, 4), 1001, tables, exact); err == nil {
		t.Error("t* beyond the schedule accepted")
	}
	if ts := ddimTimesteps(1000, 5); ts[0] != 1000 || ts[4] != 1 || ts[1] >= ts[0] {
		t.Errorf("DDIM timesteps %v, want 1000 down to 1", ts)
	}
}

// The two losses on the untrained denoiser, whose output F is 0 (the last conv starts
// at zero): the ε loss with output v is the mean of α_t²·v², the v loss the mean of
// v²; the v loss with output epsilon is refused.
func TestLosses(t *testing.T) {
	_, _, data := overfitData(rand.New(rand.NewPCG(1, 2)))
	spec, tables := tinyDenoiser(IndexSinusoidal, OutputV), linearTables(1000)
	for _, loss := range []string{LossEpsilon, LossV} {
		tr, err := NewTrainer(spec, tables, TrainConfig{Batch: 8, LR: 1e-3, Loss: loss}, 1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tr.Step(rand.New(rand.NewPCG(3, 4)), data)
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		for i, v := range tr.target {
			w := 1.0
			if tr.weight != nil {
				w = float64(tr.weight[i])
			}
			want += w * float64(v) * float64(v) / float64(len(tr.target))
		}
		if (loss == LossV) != (tr.weight == nil) || math.Abs(got-want) > 1e-5*want {
			t.Errorf("loss %s: first step %.6f, want %.6f (weights %v)", loss, got, want, tr.weight != nil)
		}
		tr.Close()
	}
	if _, err := NewTrainer(tinyDenoiser(IndexSinusoidal, OutputEpsilon), tables, TrainConfig{Batch: 8, Loss: LossV}, 1); err == nil {
		t.Error("loss v with output epsilon: no error")
	}
}

// TestGuidanceMixesTheConditionalAndUnconditional: guidance 0 predicts as the null
// prompt does, 1 as the prompt alone, and g in between the straight mix of the two
// (one-step reconstruction is affine in ε̂, so the mix carries over to the weights).
func TestGuidanceMixesTheConditionalAndUnconditional(t *testing.T) {
	_, _, data := overfitData(rand.New(rand.NewPCG(1, 2)))
	spec, tables := tinyDenoiser(IndexSinusoidal, OutputV), linearTables(1000)
	tr, _, _ := train(t, spec, tables, data, 40)
	p, err := NewPredictor(spec, tables, tr.Reg.Model.Tensors(), device.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	predict := func(text []float32, g float64) []float32 {
		p.Guidance = g
		w, err := p.OneStep(text, 700, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	text := data[0].Text
	cond, uncond := predict(text, 1), predict(make([]float32, len(text)), 1)
	if l2(cond, uncond) < 1e-3 {
		t.Fatalf("the prompt changes nothing (%.2g): the test cannot tell guidance apart", l2(cond, uncond))
	}
	if d := l2(predict(text, 0), uncond); d > 1e-5 {
		t.Errorf("guidance 0 is %.2g from the null prompt's prediction", d)
	}
	mix := predict(text, 0.3)
	for i := range mix {
		if want := uncond[i] + 0.3*(cond[i]-uncond[i]); math.Abs(float64(mix[i]-want)) > 1e-4 {
			t.Fatalf("guidance 0.3 [%d] = %v, the mix %v", i, mix[i], want)
		}
	}
}

// A share of the training timesteps goes to t*, the rest stay uniform; without a
// share the draws are uniform and take one number each, as before the share existed.
func TestTimestepsDrawnAtTStar(t *testing.T) {
	tables := linearTables(100)
	count := func(share float64) (atTStar, low int) {
		tr := &Trainer{tables: tables, cfg: TrainConfig{TStarShare: share, TStar: 100}}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 10000 {
			switch ts := tr.timestep(rng); {
			case ts == 100:
				atTStar++
			case ts <= 50:
				low++
			}
		}
		return atTStar, low
	}
	if at, low := count(0.75); at < 7300 || at > 7700 || low < 1100 || low > 1400 {
		t.Errorf("share 0.75: %d of 10000 at t*, %d in 1…50; want about 7525 and 1250", at, low)
	}
	at, low := count(0)
	if at > 200 || low < 4800 || low > 5200 {
		t.Errorf("share 0: %d of 10000 at t*, %d in 1…50; want uniform", at, low)
	}
	tr := &Trainer{tables: tables}
	for i := range 100 {
		if got, want := tr.timestep(rand.New(rand.NewPCG(uint64(i), 2))), 1+rand.New(rand.NewPCG(uint64(i), 2)).IntN(100); got != want {
			t.Fatalf("draw %d: %d, want %d: the uniform stream changed", i, got, want)
		}
	}
}
