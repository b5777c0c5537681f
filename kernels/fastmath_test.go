package kernels

import (
	"math"
	"slices"
	"testing"
)

// worstRelError is the largest |f32(x) − f64(x)|/|f64(x)| over x = lo, lo+step, … ≤ hi,
// with x rounded to float32 first so that both see the same input.
func worstRelError(f32 func(float32) float32, f64 func(float64) float64, lo, hi, step float64) (worst, at float64) {
	for v := lo; v <= hi; v += step {
		x := float32(v)
		want := f64(float64(x))
		if want == 0 {
			continue
		}
		if e := math.Abs(float64(f32(x))-want) / math.Abs(want); e > worst || math.IsNaN(e) {
			worst, at = e, float64(x)
		}
	}
	return worst, at
}

// sigmoid32 and phi32 are the slice functions on one value, for the grids.
func sigmoid32(x float32) float32 {
	v := [1]float32{x}
	sigmoid32s(v[:], v[:])
	return v[0]
}

func phi32(x float32) float32 {
	v, scratch := [1]float32{x}, [1]float32{}
	phi32s(v[:], v[:], scratch[:])
	return v[0]
}

// Each fast float32 function stays close to the float64 one over its whole useful
// range, tails included (fastmath.go states the bounds).
func TestFastMathMatchesFloat64(t *testing.T) {
	sigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	cases := []struct {
		name   string
		f32    func(float32) float32
		f64    func(float64) float64
		lo, hi float64
		tol    float64
	}{
		{"exp32", exp32, math.Exp, -87, 88, 3e-7},
		{"exp32 to the ends of the normal float32 range", exp32, math.Exp, -87.3, 88.7, 3e-7},
		{"sigmoid32", sigmoid32, sigmoid, -80, 80, 5e-7},
		// e^(−z²) inherits the float32 rounding of z² = x²/2: half an ulp of 16 is 5e-7
		{"phi32", phi32, phi, -5.6, 5.6, 5e-6},
		{"phi32 lower tail", phi32, phi, -12, -5.6, 3e-5},
	}
	for _, c := range cases {
		if worst, at := worstRelError(c.f32, c.f64, c.lo, c.hi, 1e-3); worst > c.tol || math.IsNaN(worst) {
			t.Errorf("%s: relative error %.3g at x = %g, want ≤ %.3g", c.name, worst, at, c.tol)
		}
	}
	for _, x := range []float32{float32(math.Inf(1)), 89, 1000} {
		if got := exp32(x); !math.IsInf(float64(got), 1) {
			t.Errorf("exp32(%g) = %g, want +Inf", x, got)
		}
	}
	if got := exp32(float32(math.NaN())); got == got {
		t.Errorf("exp32(NaN) = %g, want NaN", got)
	}
	if got := sigmoid32(-1000); got != 0 {
		t.Errorf("sigmoid32(-1000) = %g, want 0", got)
	}
}

// exp32s on whole slices, where the vector path (if the processor has one) takes
// the groups of eight: the same accuracy as one value at a time over the whole range,
// and groups that hold an out-of-range value, a NaN or an infinity, at any position
// and with any length of tail, come out as math.Exp's.
func TestExp32sOnSlices(t *testing.T) {
	var x []float32
	for v := -87.3; v <= 88.7; v += 1e-3 {
		x = append(x, float32(v))
	}
	got := make([]float32, len(x))
	exp32s(got, x)
	worst, at := 0.0, float32(0)
	for i, v := range x {
		want := math.Exp(float64(v))
		if e := math.Abs(float64(got[i])-want) / want; e > worst || math.IsNaN(e) {
			worst, at = e, v
		}
	}
	if worst > 3e-7 || math.IsNaN(worst) {
		t.Errorf("exp32s over a slice: relative error %.3g at x = %g, want ≤ 3e-7", worst, at)
	}

	specials := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 89, -88, -104, 1000}
	for _, special := range specials {
		for n := 1; n <= 19; n++ {
			for pos := range n {
				x := make([]float32, n)
				for i := range x {
					x[i] = float32(i) - 4.5
				}
				x[pos] = special
				got := slices.Clone(x)
				exp32s(got, got) // in place, as the activations call it
				for i, v := range x {
					want := float32(math.Exp(float64(v)))
					if i == pos && !(got[i] == want || got[i] != got[i] && want != want) {
						t.Errorf("exp32s(%g) at %d of %d = %g, want %g", v, pos, n, got[i], want)
					}
					if i != pos && math.Abs(float64(got[i]-want))/float64(want) > 3e-7 {
						t.Errorf("exp32s(%g) beside %g at %d of %d = %g, want %g", v, special, pos, n, got[i], want)
					}
				}
			}
		}
	}
}

// sigmoid32s on whole slices: the vector path matches the float64 sigmoid as one
// value at a time does, and values whose e^−x leaves the float32 range come out right
// beside it.
func TestSigmoid32sOnSlices(t *testing.T) {
	var x []float32
	for v := -87.0; v <= 100; v += 1e-3 { // below −87, σ(x) < 2e-38 comes out as 0
		x = append(x, float32(v))
	}
	got := make([]float32, len(x))
	sigmoid32s(got, x)
	for i, v := range x {
		want := 1 / (1 + math.Exp(-float64(v)))
		if e := math.Abs(float64(got[i])-want) / want; e > 5e-7 || math.IsNaN(e) {
			t.Fatalf("sigmoid32s(%g) = %g, want %g (relative error %.3g)", v, got[i], want, e)
		}
	}
	v := []float32{1, 2, 3, float32(math.NaN()), 5, 6, 7, 8, float32(math.Inf(-1)), 0}
	sigmoid32s(v, v)
	if v[3] == v[3] || v[8] != 0 || v[9] != 0.5 {
		t.Errorf("sigmoid32s of NaN, −Inf, 0 = %g, %g, %g; want NaN, 0, 0.5", v[3], v[8], v[9])
	}
}

// phi32s on whole slices: the vector path keeps phi32's accuracy, in both tails.
func TestPhi32sOnSlices(t *testing.T) {
	var x []float32
	for v := -12.0; v <= 12; v += 1e-3 {
		x = append(x, float32(v))
	}
	got, scratch := make([]float32, len(x)), make([]float32, len(x))
	phi32s(got, x, scratch)
	for i, v := range x {
		want := 0.5 * math.Erfc(-float64(v)/math.Sqrt2)
		tol := 5e-6
		if v < -5.6 {
			tol = 3e-5 // as TestFastMathMatchesFloat64 states for the lower tail
		}
		if e := math.Abs(float64(got[i])-want) / want; e > tol || math.IsNaN(e) {
			t.Fatalf("phi32s(%g) = %g, want %g (relative error %.3g)", v, got[i], want, e)
		}
	}
}

// The float32 activations against the float64 ones on 64 Ki values:
//
//	go test ./kernels -run '^$' -bench 'Activation' -benchtime 200x
func BenchmarkActivation(b *testing.B) {
	x := make([]float32, 1<<16)
	for i := range x {
		x[i] = float32(i%2001-1000) / 200
	}
	dst := make([]float32, len(x))
	for _, c := range []struct {
		name string
		f    func(dst, x []float32)
	}{{"SiLU", SiLU[float32]}, {"GELU", GELU[float32]}, {"Sigmoid", Sigmoid[float32]}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.f(dst, x)
			}
			b.ReportMetric(float64(len(x)*b.N)/b.Elapsed().Seconds()/1e6, "Mvalues/s")
		})
	}
}
