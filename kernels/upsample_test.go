package kernels

import (
	"math/rand/v2"
	"testing"
)

func TestUpsampleNearestValues(t *testing.T) {
	// x: (1, 2, 2, 3), scale 2 → (1, 2, 4, 6)
	x := []float64{
		1, 2, 3,
		4, 5, 6,

		-1, 0, 7,
		8, 9, -2,
	}
	want := []float64{
		1, 1, 2, 2, 3, 3,
		1, 1, 2, 2, 3, 3,
		4, 4, 5, 5, 6, 6,
		4, 4, 5, 5, 6, 6,

		-1, -1, 0, 0, 7, 7,
		-1, -1, 0, 0, 7, 7,
		8, 8, 9, 9, -2, -2,
		8, 8, 9, 9, -2, -2,
	}
	dst := nanSlice(len(want))
	UpsampleNearest(dst, x, 1, 2, 2, 3, 2, 2)
	assertClose(t, "upsampled", dst, want, 0)

	same := nanSlice(len(x))
	UpsampleNearest(same, x, 1, 2, 2, 3, 1, 1)
	assertClose(t, "scale 1", same, x, 0)
}

func TestUpsampleNearestBackwardValues(t *testing.T) {
	// dy: (1, 1, 4, 4), scale 2 → dx (1, 1, 2, 2), each the sum of a 2×2 block.
	dy := []float64{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
		13, 14, 15, 16,
	}
	dx := nanSlice(4)
	UpsampleNearestBackward(dx, dy, 1, 1, 2, 2, 2, 2)
	assertClose(t, "dx", dx, []float64{14, 22, 46, 54}, 0)
}

func TestUpsampleNearestGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, c, h, w, sh, sw int }{
		{2, 3, 2, 3, 3, 3},
		{1, 2, 3, 1, 2, 2},
		{2, 1, 4, 5, 1, 1},
		{2, 3, 1, 4, 1, 2}, // along rows only (upsample1d)
		{1, 2, 1, 1, 1, 5}, // a broadcast along a row
	} {
		x := randn(rng, tc.n*tc.c*tc.h*tc.w)
		g := randn(rng, len(x)*tc.sh*tc.sw)
		y := make([]float64, len(g))
		loss := func() float64 { UpsampleNearest(y, x, tc.n, tc.c, tc.h, tc.w, tc.sh, tc.sw); return dot(g, y) }
		dx := nanSlice(len(x))
		UpsampleNearestBackward(dx, g, tc.n, tc.c, tc.h, tc.w, tc.sh, tc.sw)
		assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)
	}
}

func TestUpsampleNearestFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randn(rng, 2*3*4*5)
	want := make([]float64, len(x)*4)
	UpsampleNearest(want, x, 2, 3, 4, 5, 2, 2)
	got := make([]float32, len(want))
	UpsampleNearest(got, asFloat32(x), 2, 3, 4, 5, 2, 2)
	assertClose(t, "float32", asFloat64(got), want, 1e-6)
}
