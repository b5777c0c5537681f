package vector

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Each function against a plain Go loop over every length up to 40: it takes whole
// groups of eight (none where the build has no vector path) and gets them right.
func TestAgainstGoLoops(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 41 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(4*rng.NormFloat64() + 1)
		}
		want := n &^ 7
		if !Available {
			want = 0
		}
		const mu = 0.75
		var sum, sq float64
		for _, v := range x[:want] {
			sum += float64(v)
			sq += (float64(v) - mu) * (float64(v) - mu)
		}
		if got, k := Sum(x); k != want || math.Abs(got-sum) > 1e-9*(1+math.Abs(sum)) {
			t.Errorf("n=%d: Sum = %g over %d, want %g over %d", n, got, k, sum, want)
		}
		if got, k := SumSquaredDev(x, mu); k != want || math.Abs(got-sq) > 1e-9*(1+sq) {
			t.Errorf("n=%d: SumSquaredDev = %g over %d, want %g over %d", n, got, k, sq, want)
		}
		dst := make([]float32, n)
		if k := Affine(dst, x, 1.5, -2); k != want {
			t.Errorf("n=%d: Affine took %d, want %d", n, k, want)
		}
		for i := range want {
			if w := x[i]*1.5 - 2; math.Abs(float64(dst[i]-w)) > 1e-6*(1+math.Abs(float64(w))) {
				t.Errorf("n=%d: Affine[%d] = %g, want %g", n, i, dst[i], w)
			}
		}
		for name, f := range map[string]struct {
			vec func(dst, x []float32) int
			ref func(float64) float64
		}{
			"Exp":     {Exp, math.Exp},
			"Sigmoid": {Sigmoid, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }},
			"SiLU":    {SiLU, func(v float64) float64 { return v / (1 + math.Exp(-v)) }},
			"Phi":     {Phi, func(v float64) float64 { return 0.5 * math.Erfc(-v/math.Sqrt2) }},
		} {
			if k := f.vec(dst, x); k != want {
				t.Errorf("n=%d: %s took %d, want %d", n, name, k, want)
			}
			for i := range want {
				w := f.ref(float64(x[i]))
				if math.Abs(float64(dst[i])-w) > 5e-6*math.Abs(w)+1e-30 {
					t.Errorf("n=%d: %s(%g) = %g, want %g", n, name, x[i], dst[i], w)
				}
			}
		}
	}
}

// The transcendental functions stop before a group of eight holding a value they
// leave to the caller (out of range, or NaN) and take the groups before it.
func TestStopsBeforeOutOfRange(t *testing.T) {
	if !Available {
		t.Skip("no vector path in this build")
	}
	x := make([]float32, 32)
	dst := make([]float32, 32)
	for _, bad := range []float32{float32(math.NaN()), 100, -100} {
		x[19] = bad
		for name, f := range map[string]func(dst, x []float32) int{"Exp": Exp, "Sigmoid": Sigmoid, "SiLU": SiLU, "Phi": Phi} {
			if k := f(dst, x); k != 16 {
				t.Errorf("%s with %g at 19: took %d, want 16", name, bad, k)
			}
		}
	}
}
