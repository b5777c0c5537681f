package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSoftmaxRowsAreDistributions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const rows, cols = 4, 7
	x := scaledRandn(rng, rows*cols, 3, 0)
	y := make([]float64, len(x))
	Softmax(y, x, rows, cols)
	for r := 0; r < rows; r++ {
		s := 0.0
		for j := 0; j < cols; j++ {
			s += math.Exp(x[r*cols+j])
		}
		want := make([]float64, cols)
		for j := range want {
			want[j] = math.Exp(x[r*cols+j]) / s // the direct formula, fine for small x
		}
		assertClose(t, "row", y[r*cols:(r+1)*cols], want, 1e-14)
		sum := 0.0
		for _, v := range y[r*cols : (r+1)*cols] {
			sum += v
		}
		assertClose(t, "row sum", []float64{sum}, []float64{1}, 1e-14)
	}

	// In place: dst may be x.
	xc := append([]float64(nil), x...)
	Softmax(xc, xc, rows, cols)
	assertClose(t, "in place", xc, y, 0)
}

// Subtracting the row maximum makes large inputs safe: softmax is shift-invariant, so
// rows near ±1000 equal the softmax of the same row near 0, in float32 too (whose exp
// overflows above ~88).
func TestSoftmaxStableForLargeInputs(t *testing.T) {
	base := []float64{0, 1, 2, -3}
	want := make([]float64, len(base))
	Softmax(want, base, 1, len(base))
	check := func(what string, x, want []float64) {
		t.Helper()
		y := make([]float64, len(x))
		Softmax(y, x, 1, len(x))
		assertClose(t, what+" float64", y, want, 1e-12)
		y32 := make([]float32, len(x))
		Softmax(y32, asFloat32(x), 1, len(x))
		assertClose(t, what+" float32", asFloat64(y32), want, 1e-4)
	}
	for _, shift := range []float64{1000, -1000} {
		x := make([]float64, len(base))
		for i, v := range base {
			x[i] = v + shift
		}
		check("shifted row", x, want)
	}
	check("equal huge row", []float64{1e30, 1e30, 1e30, 1e30}, []float64{0.25, 0.25, 0.25, 0.25})
}

// L = Σ g·softmax(x): SoftmaxBackward from the output matches central differences.
func TestSoftmaxGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const rows, cols = 3, 5
	x := scaledRandn(rng, rows*cols, 2, 0)
	g := randn(rng, len(x))
	y := make([]float64, len(x))
	loss := func() float64 { Softmax(y, x, rows, cols); return dot(g, y) }
	loss()
	dx := make([]float64, len(x))
	SoftmaxBackward(dx, g, y, rows, cols)
	assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)

	// dx may be dy.
	loss()
	dyc := append([]float64(nil), g...)
	SoftmaxBackward(dyc, dyc, y, rows, cols)
	assertClose(t, "in-place dx", dyc, dx, 0)
}

func TestSoftmaxFloat32MatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const rows, cols = 5, 9
	x := asFloat64(asFloat32(scaledRandn(rng, rows*cols, 4, 0)))
	y64, y32 := make([]float64, len(x)), make([]float32, len(x))
	Softmax(y64, x, rows, cols)
	Softmax(y32, asFloat32(x), rows, cols)
	assertClose(t, "y", asFloat64(y32), y64, 1e-4)

	g := asFloat64(asFloat32(randn(rng, len(x))))
	yr := asFloat64(asFloat32(y64))
	d64, d32 := make([]float64, len(x)), make([]float32, len(x))
	SoftmaxBackward(d64, g, yr, rows, cols)
	SoftmaxBackward(d32, asFloat32(g), asFloat32(yr), rows, cols)
	assertClose(t, "dx", asFloat64(d32), d64, 1e-4)
}

func TestSoftmaxPanicsOnBadLengths(t *testing.T) {
	a, b := make([]float64, 6), make([]float64, 5)
	panicsWith(t, "Softmax", func() { Softmax(a, b, 2, 3) }, "Softmax", "len(x) = 5, want 6")
	panicsWith(t, "Softmax dst", func() { Softmax(b, a, 2, 3) }, "Softmax", "len(dst) = 5")
	panicsWith(t, "SoftmaxBackward", func() { SoftmaxBackward(a, a, b, 2, 3) }, "SoftmaxBackward", "len(y) = 5")
	panicsWith(t, "SoftmaxBackward dx", func() { SoftmaxBackward(b, a, a, 2, 3) }, "SoftmaxBackward", "len(dx) = 5")
	panicsWith(t, "negative", func() { Softmax(a, a, -2, -3) }, "Softmax", "rows=-2")
}
