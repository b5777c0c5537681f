package kernels

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestAvgPoolValues(t *testing.T) {
	// x: (1, 1, 4, 6), scale 2 → (1, 1, 2, 3)
	x := []float64{
		1, 2, 3, 4, 5, 6,
		7, 8, 9, 10, 11, 12,
		0, 0, -4, 4, 1, 1,
		0, 4, 2, 2, 1, 1,
	}
	dst := nanSlice(6)
	AvgPool(dst, x, 1, 1, 4, 6, 2)
	assertClose(t, "pooled", dst, []float64{4.5, 6.5, 8.5, 1, 1, 1}, 1e-15)
}

func TestAvgPoolBackwardValues(t *testing.T) {
	// dy: (1, 1, 1, 2), scale 2 → dx (1, 1, 2, 4): each window gets dy/4.
	dx := nanSlice(8)
	AvgPoolBackward(dx, []float64{4, -8}, 1, 1, 2, 4, 2)
	assertClose(t, "dx", dx, []float64{1, 1, -2, -2, 1, 1, -2, -2}, 0)
}

// TestAvgPoolGradient is the check gorgonia's AveragePool2D backward fails
// (docs/dependencies.md).
func TestAvgPoolGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, c, h, w, scale int }{
		{2, 3, 4, 6, 2},
		{1, 2, 6, 3, 3},
		{2, 2, 3, 5, 1},
		{1, 1, 8, 8, 4},
	} {
		x := randn(rng, tc.n*tc.c*tc.h*tc.w)
		g := randn(rng, len(x)/(tc.scale*tc.scale))
		y := make([]float64, len(g))
		loss := func() float64 { AvgPool(y, x, tc.n, tc.c, tc.h, tc.w, tc.scale); return dot(g, y) }
		dx := nanSlice(len(x))
		AvgPoolBackward(dx, g, tc.n, tc.c, tc.h, tc.w, tc.scale)
		assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)
	}
}

func TestAvgPoolPanicsOnIndivisibleSize(t *testing.T) {
	msg := panicMessage(func() { AvgPool(make([]float64, 4), make([]float64, 20), 1, 1, 4, 5, 2) })
	if !strings.Contains(msg, "AvgPool") || !strings.Contains(msg, "multiples of scale") {
		t.Fatalf("panic %q, want one naming AvgPool and the scale", msg)
	}
}

func TestAvgPoolFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randn(rng, 2*3*4*6)
	want := make([]float64, len(x)/4)
	AvgPool(want, x, 2, 3, 4, 6, 2)
	got := make([]float32, len(want))
	AvgPool(got, asFloat32(x), 2, 3, 4, 6, 2)
	assertClose(t, "float32", asFloat64(got), want, 1e-6)
}
