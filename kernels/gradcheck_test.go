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

// assertClose fails if got and want differ by more than tol relative to their scale.
func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		scale := math.Max(1, math.Max(math.Abs(got[i]), math.Abs(want[i])))
		if d := math.Abs(got[i] - want[i]); d > tol*scale || math.IsNaN(got[i]) {
			t.Fatalf("%s[%d] = %.9g, want %.9g (diff %.3g)", what, i, got[i], want[i], d)
		}
	}
}

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
