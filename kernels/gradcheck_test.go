package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The gradient checks of every kernel use these helpers: a scalar loss
// L = Σ g·f(x) with a fixed random g, its analytic gradient from the kernel's backward
// pass, and its numeric gradient by central differences, all in float64.

// randn returns n standard-normal values from rng.
func randn(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// numericGrad returns dL/dx by central differences, where loss(x) recomputes the
// forward pass and returns L; x is restored after each probe.
func numericGrad(x []float64, loss func() float64) []float64 {
	const h = 1e-6
	g := make([]float64, len(x))
	for i := range x {
		old := x[i]
		x[i] = old + h
		up := loss()
		x[i] = old - h
		down := loss()
		x[i] = old
		g[i] = (up - down) / (2 * h)
	}
	return g
}

// dot is Σ a·b, the loss L = Σ g·y for an output y and fixed weights g.
func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// assertClose fails unless got and want have the same length and every pair of
// values is finite and within tol relative to their scale, max(1, |got|, |want|).
// A NaN or an infinity on either side fails: a bare `d > tol·scale` would pass a NaN
// (any comparison with it is false) and an infinity (the scale grows with it).
func assertClose(t testing.TB, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if !finite(got[i]) || !finite(want[i]) {
			t.Fatalf("%s[%d] = %.9g, want %.9g: not finite", what, i, got[i], want[i])
			return
		}
		scale := math.Max(1, math.Max(math.Abs(got[i]), math.Abs(want[i])))
		if d := math.Abs(got[i] - want[i]); d > tol*scale {
			t.Fatalf("%s[%d] = %.9g, want %.9g (diff %.3g)", what, i, got[i], want[i], d)
			return
		}
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// asFloat32 converts float64 test data to the engine's float32.
func asFloat32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// asFloat64 converts float32 results back for comparison with float64 ones.
func asFloat64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// quietTB records failures instead of reporting them, to test the checkers.
type quietTB struct {
	testing.TB
	failed bool
}

func (q *quietTB) Fatalf(string, ...any) { q.failed = true }
func (q *quietTB) Errorf(string, ...any) { q.failed = true }
func (q *quietTB) Helper()               {}

// assertClose, which every gradient check ends in, fails on a NaN or an infinity in
// the analytic gradient (got) or the numeric one (want), however loose the tolerance,
// and passes close finite values.
func TestAssertCloseRejectsNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name      string
		got, want []float64
		fail      bool
	}{
		{"close", []float64{1, 2}, []float64{1, 2 + 1e-9}, false},
		{"far", []float64{1, 2}, []float64{1, 3}, true},
		{"NaN analytic", []float64{1, nan}, []float64{1, 2}, true},
		{"NaN numeric", []float64{1, 2}, []float64{1, nan}, true},
		{"NaN both", []float64{nan}, []float64{nan}, true},
		{"+Inf analytic", []float64{inf}, []float64{2}, true},
		{"-Inf numeric", []float64{2}, []float64{-inf}, true},
		{"+Inf both", []float64{inf}, []float64{inf}, true},
	} {
		q := &quietTB{TB: t}
		assertClose(q, tc.name, tc.got, tc.want, 1e-3)
		if q.failed != tc.fail {
			t.Errorf("%s: failed = %v, want %v", tc.name, q.failed, tc.fail)
		}
	}
}
