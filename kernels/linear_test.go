package kernels

import (
	"math/rand/v2"
	"testing"
)

// directLinear is the formula of Linear's doc comment.
func directLinear(x, w, b []float64, rows, in, out int) []float64 {
	y := make([]float64, rows*out)
	for r := range rows {
		for o := range out {
			s := 0.0
			if b != nil {
				s = b[o]
			}
			for i := range in {
				s += x[r*in+i] * w[o*in+i]
			}
			y[r*out+o] = s
		}
	}
	return y
}

// TestLinear checks the forward pass against the formula and both backward passes
// against central differences, for row counts that split unevenly over workers.
func TestLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, size := range [][3]int{{1, 1, 1}, {5, 3, 4}, {7, 6, 2}} {
		rows, in, out := size[0], size[1], size[2]
		x, w, b, g := randn(rng, rows*in), randn(rng, out*in), randn(rng, out), randn(rng, rows*out)
		y := make([]float64, rows*out)
		Linear(y, x, w, b, rows, in, out)
		assertClose(t, "y", y, directLinear(x, w, b, rows, in, out), 1e-12)
		Linear(y, x, w, nil, rows, in, out)
		assertClose(t, "y without bias", y, directLinear(x, w, nil, rows, in, out), 1e-12)

		loss := func() float64 { return dot(g, directLinear(x, w, b, rows, in, out)) }
		dx, dw, db := make([]float64, len(x)), make([]float64, len(w)), make([]float64, len(b))
		LinearBackwardData(dx, g, w, rows, in, out)
		LinearBackwardWeight(dw, db, g, x, rows, in, out)
		assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)
		assertClose(t, "dw", dw, numericGrad(w, loss), 1e-6)
		assertClose(t, "db", db, numericGrad(b, loss), 1e-6)

		// float32 (the backend's sgemm) against float64
		y32 := make([]float32, rows*out)
		Linear(y32, asFloat32(x), asFloat32(w), asFloat32(b), rows, in, out)
		assertClose(t, "float32 y", asFloat64(y32), directLinear(x, w, b, rows, in, out), 1e-4)
		dw32 := make([]float32, len(w))
		LinearBackwardWeight(dw32, nil, asFloat32(g), asFloat32(x), rows, in, out)
		assertClose(t, "float32 dw", asFloat64(dw32), dw, 1e-4)
	}
}
