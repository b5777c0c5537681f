package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestActivationValues(t *testing.T) {
	x := []float64{-1000, -2, -1, 0, 1, 2, 1000}
	// Φ(1) = 0.8413447460685429, Φ(2) = 0.9772498680518208 (standard normal CDF);
	// σ(1) = 0.7310585786300049, σ(2) = 0.8807970779778823.
	cases := []struct {
		name string
		f    func(dst, x []float64)
		want []float64
	}{
		{"GELU", GELU[float64], []float64{0, -2 * (1 - 0.9772498680518208), -(1 - 0.8413447460685429), 0, 0.8413447460685429, 2 * 0.9772498680518208, 1000}},
		{"SiLU", SiLU[float64], []float64{0, -2 * (1 - 0.8807970779778823), -(1 - 0.7310585786300049), 0, 0.7310585786300049, 2 * 0.8807970779778823, 1000}},
		{"Sigmoid", Sigmoid[float64], []float64{0, 1 - 0.8807970779778823, 1 - 0.7310585786300049, 0.5, 0.7310585786300049, 0.8807970779778823, 1}},
		{"ReLU", ReLU[float64], []float64{0, 0, 0, 0, 1, 2, 1000}},
	}
	for _, tc := range cases {
		y := make([]float64, len(x))
		tc.f(y, x)
		assertClose(t, tc.name, y, tc.want, 1e-15)

		// In place: dst may be x.
		xc := append([]float64(nil), x...)
		tc.f(xc, xc)
		assertClose(t, tc.name+" in place", xc, y, 0)
	}
}

// activationCases are the four activations with their backward passes in the form
// dx = backward(dy, x): Sigmoid's backward takes the output, so it recomputes it.
func activationCases() []struct {
	name     string
	forward  func(dst, x []float64)
	forward2 func(dst, x []float32)
	backward func(dx, dy, x []float64)
} {
	return []struct {
		name     string
		forward  func(dst, x []float64)
		forward2 func(dst, x []float32)
		backward func(dx, dy, x []float64)
	}{
		{"GELU", GELU[float64], GELU[float32], GELUBackward[float64]},
		{"SiLU", SiLU[float64], SiLU[float32], SiLUBackward[float64]},
		{"Sigmoid", Sigmoid[float64], Sigmoid[float32], func(dx, dy, x []float64) {
			y := make([]float64, len(x))
			Sigmoid(y, x)
			SigmoidBackward(dx, dy, y)
		}},
		{"ReLU", ReLU[float64], ReLU[float32], ReLUBackward[float64]},
	}
}

// L = Σ g·f(x): every backward pass matches central differences.
func TestActivationGradients(t *testing.T) {
	for _, tc := range activationCases() {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			x := scaledRandn(rng, 40, 3, 0) // randn never lands within 1e-6 of ReLU's kink
			g := randn(rng, len(x))
			y := make([]float64, len(x))
			loss := func() float64 { tc.forward(y, x); return dot(g, y) }
			dx := make([]float64, len(x))
			tc.backward(dx, g, x)
			assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)

			// dx may be dy.
			dyc := append([]float64(nil), g...)
			tc.backward(dyc, dyc, x)
			assertClose(t, "in-place dx", dyc, dx, 0)
		})
	}
}

func TestActivationFloat32MatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := asFloat64(asFloat32(scaledRandn(rng, 64, 4, 0)))
	for _, tc := range activationCases() {
		y64, y32 := make([]float64, len(x)), make([]float32, len(x))
		tc.forward(y64, x)
		tc.forward2(y32, asFloat32(x))
		assertClose(t, tc.name, asFloat64(y32), y64, 1e-4)
	}
	// float32 backward passes against float64 ones
	g := asFloat64(asFloat32(randn(rng, len(x))))
	y := make([]float64, len(x))
	Sigmoid(y, x)
	y = asFloat64(asFloat32(y))
	backs := []struct {
		name string
		b64  func(dx, dy, x []float64)
		b32  func(dx, dy, x []float32)
		in   []float64
	}{
		{"GELUBackward", GELUBackward[float64], GELUBackward[float32], x},
		{"SiLUBackward", SiLUBackward[float64], SiLUBackward[float32], x},
		{"SigmoidBackward", SigmoidBackward[float64], SigmoidBackward[float32], y},
		{"ReLUBackward", ReLUBackward[float64], ReLUBackward[float32], x},
	}
	for _, tc := range backs {
		d64, d32 := make([]float64, len(x)), make([]float32, len(x))
		tc.b64(d64, g, tc.in)
		tc.b32(d32, asFloat32(g), asFloat32(tc.in))
		assertClose(t, tc.name, asFloat64(d32), d64, 1e-4)
		// dx may be dy or the input, on the float32 paths too
		dy, in := asFloat32(g), asFloat32(tc.in)
		tc.b32(dy, dy, asFloat32(tc.in))
		tc.b32(in, asFloat32(g), in)
		assertClose(t, tc.name+" with dx = dy", asFloat64(dy), asFloat64(d32), 0)
		assertClose(t, tc.name+" with dx = its input", asFloat64(in), asFloat64(d32), 0)
	}
}

func TestSigmoidStableForLargeInputs(t *testing.T) {
	x := []float32{-1e4, -100, 100, 1e4}
	y := make([]float32, len(x))
	Sigmoid(y, x)
	for i, v := range y {
		if math.IsNaN(float64(v)) || v < 0 || v > 1 {
			t.Fatalf("Sigmoid(%g) = %g", x[i], v)
		}
	}
	SiLU(y, x)
	if y[0] != 0 || y[3] != 1e4 {
		t.Fatalf("SiLU(%v) = %v, want 0 and x at the ends", x, y)
	}
}

func TestActivationPanicsOnBadLengths(t *testing.T) {
	a, b := make([]float64, 3), make([]float64, 4)
	panicsWith(t, "GELU", func() { GELU(a, b) }, "GELU", "len(dst) = 3, want 4")
	panicsWith(t, "GELUBackward", func() { GELUBackward(b, a, b) }, "GELUBackward", "len(dy) = 3, want 4")
	panicsWith(t, "SiLU", func() { SiLU(a, b) }, "SiLU", "len(dst) = 3, want 4")
	panicsWith(t, "SiLUBackward", func() { SiLUBackward(a, b, b) }, "SiLUBackward", "len(dx) = 3, want 4")
	panicsWith(t, "Sigmoid", func() { Sigmoid(a, b) }, "Sigmoid", "len(dst) = 3, want 4")
	panicsWith(t, "SigmoidBackward", func() { SigmoidBackward(a, b, a) }, "SigmoidBackward", "len(dy) = 4, want 3")
	panicsWith(t, "ReLU", func() { ReLU(b, a) }, "ReLU", "len(dst) = 4, want 3")
	panicsWith(t, "ReLUBackward", func() { ReLUBackward(b, a, b) }, "ReLUBackward", "len(dy) = 3, want 4")
}

// TestActivationsSplitOverWorkers checks that slices long enough for forRange to split
// give the same values as the element-wise definition, block edges included.
func TestActivationsSplitOverWorkers(t *testing.T) {
	n := 3*parallelMin + 7
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%97)/12 - 4
	}
	got := make([]float32, n)
	SiLU(got, x)
	for i, v := range x {
		f := float64(v)
		if want := float32(f / (1 + math.Exp(-f))); math.Abs(float64(got[i]-want)) > 1e-6 {
			t.Fatalf("SiLU at %d: %v, want %v", i, got[i], want)
		}
	}
	GELU(got, x)
	for i, v := range x {
		f := float64(v)
		if want := float32(0.5 * f * (1 + math.Erf(f/math.Sqrt2))); math.Abs(float64(got[i]-want)) > 1e-6 {
			t.Fatalf("GELU at %d: %v, want %v", i, got[i], want)
		}
	}
}
