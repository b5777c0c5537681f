package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLeakyReLUValues(t *testing.T) {
	x := []float64{-2, -0.5, 0, 0.5, 3}
	dst := nanSlice(len(x))
	LeakyReLU(dst, x, 0.2)
	assertClose(t, "y", dst, []float64{-0.4, -0.1, 0, 0.5, 3}, 1e-15)

	dx := nanSlice(len(x))
	LeakyReLUBackward(dx, []float64{1, 2, 3, 4, 5}, x, 0.2)
	assertClose(t, "dx", dx, []float64{0.2, 0.4, 0.6, 4, 5}, 1e-15)

	LeakyReLU(x, x, 0.2) // in place
	assertClose(t, "in place", x, []float64{-0.4, -0.1, 0, 0.5, 3}, 1e-15)
}

func TestLeakyReLUGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, g := randn(rng, 40), randn(rng, 40)
	y := make([]float64, len(x))
	loss := func() float64 { LeakyReLU(y, x, 0.2); return dot(g, y) }
	dx := nanSlice(len(x))
	LeakyReLUBackward(dx, g, x, 0.2)
	assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)
}

func TestTanhValues(t *testing.T) {
	x := []float64{-30, -1, 0, 0.5, 30}
	dst := nanSlice(len(x))
	Tanh(dst, x)
	want := []float64{-1, math.Tanh(-1), 0, math.Tanh(0.5), 1}
	assertClose(t, "y", dst, want, 1e-15)

	dx := nanSlice(len(x))
	TanhBackward(dx, []float64{1, 1, 2, 1, 1}, dst)
	assertClose(t, "dx", dx, []float64{0, 1 - want[1]*want[1], 2, 1 - want[3]*want[3], 0}, 1e-15)

	x32 := []float32{-1, 0.5, 2}
	y32 := make([]float32, 3)
	Tanh(y32, x32)
	assertClose(t, "float32", asFloat64(y32), []float64{math.Tanh(-1), math.Tanh(0.5), math.Tanh(2)}, 1e-7)
}

func TestTanhGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, g := randn(rng, 40), randn(rng, 40)
	y := make([]float64, len(x))
	loss := func() float64 { Tanh(y, x); return dot(g, y) }
	Tanh(y, x)
	out := append([]float64(nil), y...)
	dx := nanSlice(len(x))
	TanhBackward(dx, g, out)
	assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)
}

func TestAddValues(t *testing.T) {
	a, b := []float64{1, 2, 3}, []float64{10, -2, 0.5}
	dst := nanSlice(3)
	Add(dst, a, b)
	assertClose(t, "sum", dst, []float64{11, 0, 3.5}, 0)
	assertClose(t, "a (must not change)", a, []float64{1, 2, 3}, 0)
	Add(a, a, b) // in place
	assertClose(t, "in place", a, []float64{11, 0, 3.5}, 0)
}

func TestAddGradient(t *testing.T) {
	// Add's backward is the identity on both inputs: check that against finite differences.
	rng := rand.New(rand.NewPCG(1, 2))
	a, b, g := randn(rng, 12), randn(rng, 12), randn(rng, 12)
	y := make([]float64, 12)
	loss := func() float64 { Add(y, a, b); return dot(g, y) }
	assertClose(t, "da", g, numericGrad(a, loss), 1e-6)
	assertClose(t, "db", g, numericGrad(b, loss), 1e-6)
}

func TestConcatChannelsValues(t *testing.T) {
	// n=2, h×w = 1×2; parts with 1 and 2 channels.
	p0 := []float64{1, 2, 3, 4}                     // (2, 1, 1, 2)
	p1 := []float64{10, 11, 12, 13, 20, 21, 22, 23} // (2, 2, 1, 2)
	dst := nanSlice(12)
	ConcatChannels(dst, 2, 1, 2, [][]float64{p0, p1}, []int{1, 2})
	want := []float64{1, 2, 10, 11, 12, 13, 3, 4, 20, 21, 22, 23}
	assertClose(t, "concat", dst, want, 0)

	d0, d1 := nanSlice(4), nanSlice(8)
	SplitChannels([][]float64{d0, d1}, want, 2, 1, 2, []int{1, 2})
	assertClose(t, "split 0", d0, p0, 0)
	assertClose(t, "split 1", d1, p1, 0)
}

func TestConcatChannelsGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, h, w := 2, 3, 2
	channels := []int{2, 0, 3, 1}
	parts := make([][]float64, len(channels))
	total := 0
	for i, c := range channels {
		parts[i] = randn(rng, n*c*h*w)
		total += c
	}
	g := randn(rng, n*total*h*w)
	y := make([]float64, len(g))
	loss := func() float64 { ConcatChannels(y, n, h, w, parts, channels); return dot(g, y) }
	grads := make([][]float64, len(channels))
	for i := range grads {
		grads[i] = nanSlice(len(parts[i]))
	}
	SplitChannels(grads, g, n, h, w, channels)
	lo := 0
	for i, c := range channels {
		assertClose(t, "dpart", grads[i], numericGrad(parts[i], loss), 1e-6)
		one := nanSlice(len(parts[i]))
		ChannelRange(one, g, n, total, h, w, lo, lo+c)
		assertClose(t, "ChannelRange", one, grads[i], 0)
		lo += c
	}
}

func TestConcatChannelsPanicsOnBadPart(t *testing.T) {
	msg := panicMessage(func() {
		ConcatChannels(make([]float64, 12), 2, 1, 2, [][]float64{make([]float64, 4), make([]float64, 7)}, []int{1, 2})
	})
	if msg != "kernels: ConcatChannels: len(parts[1]) = 7, want 8" {
		t.Fatalf("panic %q", msg)
	}
}

// Transpose against the definition, and twice is the identity.
func TestTranspose(t *testing.T) {
	const b, r, c = 2, 3, 5
	x := make([]float64, b*r*c)
	for i := range x {
		x[i] = float64(i)
	}
	y, back := make([]float64, len(x)), make([]float64, len(x))
	Transpose(y, x, b, r, c)
	for n := range b {
		for i := range r {
			for j := range c {
				if got, want := y[n*r*c+j*r+i], x[n*r*c+i*c+j]; got != want {
					t.Fatalf("dst[%d, %d, %d] = %g, want %g", n, j, i, got, want)
				}
			}
		}
	}
	Transpose(back, y, b, c, r)
	for i := range x {
		if back[i] != x[i] {
			t.Fatalf("transposed twice: %v, want %v", back, x)
		}
	}
}
