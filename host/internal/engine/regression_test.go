package engine

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/device"
	"dnw/sdk/ir"
)

// rowGraph is a small 1-D network of the weight generator's kind: a conv1d over a
// (2, 1, 8) row plus a per-sample vector from a (1, 4) token input, broadcast along
// the row by upsample1d.
func rowGraph(t *testing.T) ir.Graph {
	t.Helper()
	b := ir.NewBuilder("row")
	x := b.Input("x", 2, 1, 8)
	c := b.Input("c", 1, 4)
	h := b.Conv1d("conv", x, 4, 3, 1, 1)
	h = b.SiLU("act", h)
	e := b.Linear("cond", c, 4)
	e = b.FromTokens("cond.img", e, 1, 1)
	h = b.Add("cond.add", h, b.Upsample1d("cond.row", e, 8))
	g, err := b.Graph(b.Conv1d("out", h, 1, 3, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// rowBatch draws inputs and the targets of a fixed function of them:
// y[l] = x₀[l−1] − x₁[l+1] + c₀ (zero beyond the row's ends).
func rowBatch(rng *rand.Rand, n int) (map[string][]float32, []float32) {
	x, c, y := make([]float32, n*16), make([]float32, n*4), make([]float32, n*8)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for i := range c {
		c[i] = float32(rng.NormFloat64())
	}
	for s := range n {
		for l := range 8 {
			v := c[s*4]
			if l > 0 {
				v += x[s*16+l-1]
			}
			if l < 7 {
				v -= x[s*16+8+l+1]
			}
			y[s*8+l] = v
		}
	}
	return map[string][]float32{"x": x, "c": c}, y
}

func TestRegressionLearnsAndResumesExactly(t *testing.T) {
	g := rowGraph(t)
	newReg := func(seed uint64) *Regression {
		opt := NewAdam(1e-2, 0.9)
		opt.WeightDecay = 1e-4
		r, err := NewRegression(g, 16, seed, opt, 0.9, device.CPU)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		return r
	}
	r := newReg(1)
	rng := rand.New(rand.NewPCG(1, 2))
	var first, last float64
	for i := range 400 {
		in, y := rowBatch(rng, 16)
		loss, err := r.Step(in, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = loss
		}
		last = loss
	}
	t.Logf("loss %.4f → %.4f over 400 steps", first, last)
	if last > first/20 {
		t.Errorf("loss %.4f → %.4f: want a twentieth or less", first, last)
	}

	// The averaged model predicts too: Inference over its tensors.
	avg, err := NewRegression(g, 16, 9, NewAdam(1e-2, 0.9), 0, device.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer avg.Close()
	if err := avg.Model.Load(r.EMA.Tensors(r.Model)); err != nil {
		t.Fatal(err)
	}
	f, err := NewInference(g, 16, avg.Model)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, y := rowBatch(rng, 16)
	out, err := f.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	var mse float64
	for i := range y {
		mse += float64((out[i] - y[i]) * (out[i] - y[i]))
	}
	if mse /= float64(len(y)); mse > 4*last+0.05 {
		t.Errorf("the averaged model's error %.4f is far from the trained one's %.4f", mse, last)
	}

	// 3 steps, a restore into a model built from another seed, 3 more = 6 straight.
	batches := make([][2]any, 6)
	for i := range batches {
		in, y := rowBatch(rng, 16)
		batches[i] = [2]any{in, y}
	}
	run := func(r *Regression, bs [][2]any) {
		for _, b := range bs {
			if _, err := r.Step(b[0].(map[string][]float32), b[1].([]float32), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	straight, split := newReg(3), newReg(3)
	run(straight, batches)
	run(split, batches[:3])
	resumed := newReg(4)
	if err := resumed.Restore(split.State()); err != nil {
		t.Fatal(err)
	}
	run(resumed, batches[3:])
	a, b := straight.State(), resumed.State()
	for name, ts := range a.Model {
		if !slices.Equal(ts.Data, b.Model[name].Data) {
			t.Fatalf("tensor %s differs after resume", name)
		}
	}
	for name, v := range a.EMA {
		if !slices.Equal(v, b.EMA[name]) {
			t.Fatalf("average of %s differs after resume", name)
		}
	}
}

// The loss weighs each element: weights of 2 double it, weights of 0 leave the
// parameters where they were (no gradient, no weight decay).
func TestRegressionWeighsTheLoss(t *testing.T) {
	g := rowGraph(t)
	in, y := rowBatch(rand.New(rand.NewPCG(3, 4)), 16)
	loss := func(weight []float32) (float64, *Regression) {
		r, err := NewRegression(g, 16, 5, NewAdam(1e-2, 0.9), 0, device.CPU)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		l, err := r.Step(in, y, weight)
		if err != nil {
			t.Fatal(err)
		}
		return l, r
	}
	fill := func(v float32) []float32 {
		w := make([]float32, len(y))
		for i := range w {
			w[i] = v
		}
		return w
	}
	plain, _ := loss(nil)
	if twice, _ := loss(fill(2)); math.Abs(twice-2*plain) > 1e-6*plain {
		t.Errorf("loss with weights 2: %g, want 2 × %g", twice, plain)
	}
	before, _ := NewRegression(g, 16, 5, NewAdam(1e-2, 0.9), 0, device.CPU)
	defer before.Close()
	_, zero := loss(fill(0))
	for name, p := range zero.Model.Tensors() {
		if !slices.Equal(p.Data, before.Model.Tensors()[name].Data) {
			t.Errorf("parameter %s moved under zero weights", name)
		}
	}
}

func TestInferenceNamesBadInputs(t *testing.T) {
	g := rowGraph(t)
	r, err := NewRegression(g, 2, 1, NewAdam(1e-3, 0.9), 0, device.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := NewInference(g, 2, r.Model)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		in   map[string][]float32
		want string
	}{
		{map[string][]float32{"x": make([]float32, 32)}, "input c is not given"},
		{map[string][]float32{"x": make([]float32, 31), "c": make([]float32, 8)}, "input x has 31 values, want 32"},
		{map[string][]float32{"x": make([]float32, 32), "c": make([]float32, 8), "z": nil}, "no input z (its inputs: c, x)"},
	} {
		if _, err := f.Run(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Run: %v, want %q", err, tc.want)
		}
	}
}

// The average warms up: its first updates take most of the new parameters (decay
// (1 + k)/(10 + k) at update k), later ones the configured decay.
func TestEMAWarmsUp(t *testing.T) {
	r, err := NewRegression(rowGraph(t), 4, 1, NewAdam(1e-2, 0.9), 0.99, device.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	name := r.Model.Trainable[0].Name()
	before := slices.Clone(r.EMA.shadow[name])
	in, y := rowBatch(rand.New(rand.NewPCG(5, 6)), 4)
	for k := 1; k <= 120; k++ {
		if _, err := r.Step(in, y, nil); err != nil {
			t.Fatal(err)
		}
		theta := values(r.Model.Trainable[0])
		d := min(0.99, float64(1+k)/float64(10+k))
		for i, a := range r.EMA.shadow[name] {
			want := d*float64(before[i]) + (1-d)*float64(theta[i])
			if math.Abs(float64(a)-want) > 1e-6 {
				t.Fatalf("update %d: average %g, want %g (decay %.4f)", k, a, want, d)
			}
		}
		before = slices.Clone(r.EMA.shadow[name])
	}
}
