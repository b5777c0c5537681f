package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// directConv is the 7-loop definition of Conv2d, independent of Im2col and Gemm.
func directConv(x, w, bias []float64, s ConvShape) []float64 {
	oh, ow := s.OutH(), s.OutW()
	y := make([]float64, s.N*s.F*oh*ow)
	for n := 0; n < s.N; n++ {
		for f := 0; f < s.F; f++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					sum := 0.0
					if bias != nil {
						sum = bias[f]
					}
					for c := 0; c < s.C; c++ {
						for ki := 0; ki < s.KH; ki++ {
							for kj := 0; kj < s.KW; kj++ {
								ih, iw := i*s.SH-s.PH+ki, j*s.SW-s.PW+kj
								if ih < 0 || ih >= s.H || iw < 0 || iw >= s.W {
									continue
								}
								sum += w[((f*s.C+c)*s.KH+ki)*s.KW+kj] * x[((n*s.C+c)*s.H+ih)*s.W+iw]
							}
						}
					}
					y[((n*s.F+f)*oh+i)*ow+j] = sum
				}
			}
		}
	}
	return y
}

// convShapes cover stride 1/2, pad 0/1/2, K 1/3/4, H ≠ W, N > 1 and an output size
// that does not divide evenly, a padding wider than the kernel (whole output columns
// in the padding), batches that split unevenly over two workers, and rectangular
// kernels, strides and paddings (1-D convolutions along rows among them).
var convShapes = []ConvShape{
	{N: 3, C: 2, H: 5, W: 4, F: 2, KH: 2, KW: 2, SH: 3, SW: 3, PH: 3, PW: 3},
	{N: 5, C: 1, H: 3, W: 3, F: 2, KH: 1, KW: 1, SH: 1, SW: 1, PH: 2, PW: 2},
	{N: 1, C: 1, H: 4, W: 4, F: 1, KH: 3, KW: 3, SH: 1, SW: 1, PH: 0, PW: 0},
	{N: 2, C: 3, H: 7, W: 5, F: 4, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1},
	{N: 2, C: 3, H: 8, W: 6, F: 2, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1},
	{N: 3, C: 2, H: 5, W: 9, F: 3, KH: 1, KW: 1, SH: 1, SW: 1, PH: 0, PW: 0},
	{N: 1, C: 2, H: 6, W: 7, F: 3, KH: 4, KW: 4, SH: 2, SW: 2, PH: 2, PW: 2},
	{N: 2, C: 4, H: 9, W: 6, F: 5, KH: 4, KW: 4, SH: 1, SW: 1, PH: 1, PW: 1},
	{N: 2, C: 2, H: 3, W: 2, F: 2, KH: 3, KW: 3, SH: 2, SW: 2, PH: 2, PW: 2},
	{N: 1, C: 3, H: 10, W: 11, F: 2, KH: 3, KW: 3, SH: 2, SW: 2, PH: 0, PW: 0},
	// 1-D along rows (conv1d on images of height 1) and other rectangles.
	{N: 3, C: 2, H: 1, W: 9, F: 3, KH: 1, KW: 3, SH: 1, SW: 1, PH: 0, PW: 1},
	{N: 2, C: 3, H: 1, W: 8, F: 2, KH: 1, KW: 3, SH: 1, SW: 2, PH: 0, PW: 1},
	{N: 2, C: 2, H: 5, W: 7, F: 3, KH: 2, KW: 3, SH: 2, SW: 1, PH: 1, PW: 0},
}

func TestConvShapeOut(t *testing.T) {
	for _, tc := range []struct {
		s      ConvShape
		oh, ow int
	}{
		{ConvShape{N: 4, C: 32, H: 64, W: 64, F: 64, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}, 32, 32},
		{ConvShape{N: 1, C: 1, H: 7, W: 5, F: 1, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}, 7, 5},
		{ConvShape{N: 1, C: 1, H: 10, W: 11, F: 1, KH: 3, KW: 3, SH: 2, SW: 2, PH: 0, PW: 0}, 4, 5},
		{ConvShape{N: 1, C: 1, H: 1, W: 1, F: 1, KH: 4, KW: 4, SH: 3, SW: 3, PH: 2, PW: 2}, 1, 1},
	} {
		tc.s.Check()
		if tc.s.OutH() != tc.oh || tc.s.OutW() != tc.ow {
			t.Errorf("%+v: out %d×%d, want %d×%d", tc.s, tc.s.OutH(), tc.s.OutW(), tc.oh, tc.ow)
		}
	}
}

func TestConvShapeCheckPanics(t *testing.T) {
	ok := ConvShape{N: 1, C: 1, H: 4, W: 4, F: 1, KH: 3, KW: 3, SH: 1, SW: 1, PH: 0, PW: 0}
	for _, tc := range []struct {
		edit func(*ConvShape)
		want string
	}{
		{func(s *ConvShape) { s.C = 0 }, "must be ≥ 1"},
		{func(s *ConvShape) { s.SW = 0 }, "strides"},
		{func(s *ConvShape) { s.PH = -1 }, "paddings"},
		{func(s *ConvShape) { s.KH = 5 }, "larger than padded input"},
		{func(s *ConvShape) { s.W = 2 }, "larger than padded input"},
	} {
		s := ok
		tc.edit(&s)
		msg := panicMessage(s.Check)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%+v: panic %q, want one containing %q", s, msg, tc.want)
		}
	}
}

func TestConv2dPanicsOnBadLength(t *testing.T) {
	s := convShapes[1]
	msg := panicMessage(func() {
		Conv2d(make([]float64, 1), make([]float64, s.N*s.C*s.H*s.W), make([]float64, s.F*s.C*s.KH*s.KW), nil, s)
	})
	if !strings.Contains(msg, "Conv2d") || !strings.Contains(msg, "len(dst) = 1") {
		t.Fatalf("panic %q, want one naming Conv2d and len(dst)", msg)
	}
}

func TestConv2dMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range convShapes {
		x, w, b := randn(rng, s.N*s.C*s.H*s.W), randn(rng, s.F*s.C*s.KH*s.KW), randn(rng, s.F)
		for _, bias := range [][]float64{b, nil} {
			dst := nanSlice(s.N * s.F * s.OutH() * s.OutW())
			x0, w0 := append([]float64(nil), x...), append([]float64(nil), w...)
			Conv2d(dst, x, w, bias, s)
			assertClose(t, fmt.Sprintf("%+v bias=%v: y", s, bias != nil), dst, directConv(x, w, bias, s), 1e-12)
			assertClose(t, "x (must not change)", x, x0, 0)
			assertClose(t, "w (must not change)", w, w0, 0)
		}
	}
}

// TestConv2dGradients checks the gradients of L = Σ g·Conv2d(x, w, b) w.r.t. x, w and
// b against central differences; the destinations start as NaN to prove they are
// fully overwritten.
func TestConv2dGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := []ConvShape{
		{N: 2, C: 2, H: 5, W: 4, F: 3, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1},
		{N: 2, C: 2, H: 6, W: 5, F: 2, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1},
		{N: 1, C: 3, H: 4, W: 5, F: 2, KH: 4, KW: 4, SH: 2, SW: 2, PH: 2, PW: 2},
		{N: 2, C: 2, H: 3, W: 4, F: 2, KH: 1, KW: 1, SH: 1, SW: 1, PH: 0, PW: 0},
		{N: 1, C: 2, H: 7, W: 6, F: 2, KH: 3, KW: 3, SH: 2, SW: 2, PH: 0, PW: 0},
		{N: 2, C: 2, H: 1, W: 8, F: 3, KH: 1, KW: 3, SH: 1, SW: 2, PH: 0, PW: 1},
	}
	for _, s := range shapes {
		oh, ow := s.OutH(), s.OutW()
		x, w, b := randn(rng, s.N*s.C*s.H*s.W), randn(rng, s.F*s.C*s.KH*s.KW), randn(rng, s.F)
		g := randn(rng, s.N*s.F*oh*ow)
		y := make([]float64, len(g))
		loss := func() float64 { Conv2d(y, x, w, b, s); return dot(g, y) }

		dx := nanSlice(len(x))
		dw, db := nanSlice(len(w)), nanSlice(len(b))
		g0 := append([]float64(nil), g...)
		Conv2dBackwardData(dx, g, w, s)
		Conv2dBackwardFilter(dw, db, g, x, s)
		assertClose(t, "dy (must not change)", g, g0, 0)

		name := fmt.Sprintf("%+v", s)
		assertClose(t, name+": dx", dx, numericGrad(x, loss), 1e-6)
		assertClose(t, name+": dw", dw, numericGrad(w, loss), 1e-6)
		assertClose(t, name+": db", db, numericGrad(b, loss), 1e-6)

		dw2 := nanSlice(len(w))
		Conv2dBackwardFilter(dw2, nil, g, x, s)
		assertClose(t, name+": dw without dbias", dw2, dw, 0)
	}
}

// TestCol2imIsAdjointOfIm2col checks ⟨Im2col(x), c⟩ = ⟨x, Col2im(c)⟩ and that
// Col2im accumulates into image n only.
func TestCol2imIsAdjointOfIm2col(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range convShapes {
		rows := s.C * s.KH * s.KW * s.OutH() * s.OutW()
		x := randn(rng, s.N*s.C*s.H*s.W)
		n := s.N - 1
		cols := nanSlice(rows)
		Im2col(cols, x, s, n)
		c := randn(rng, rows)
		base := randn(rng, len(x))
		acc := append([]float64(nil), base...)
		Col2im(acc, c, s, n)
		img := s.C * s.H * s.W
		lhs := dot(cols, c)
		rhs := 0.0
		for i := n * img; i < (n+1)*img; i++ {
			rhs += x[i] * (acc[i] - base[i])
		}
		if math.Abs(lhs-rhs) > 1e-9*math.Max(1, math.Abs(lhs)) {
			t.Errorf("%+v: ⟨im2col x, c⟩ = %g, ⟨x, col2im c⟩ = %g", s, lhs, rhs)
		}
		assertClose(t, "other images untouched", acc[:n*img], base[:n*img], 0)
	}
}

func TestConv2dFloat32MatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := append([]ConvShape{{N: 2, C: 16, H: 12, W: 10, F: 8, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}}, convShapes...)
	for _, s := range shapes {
		oh, ow := s.OutH(), s.OutW()
		x, w, b := randn(rng, s.N*s.C*s.H*s.W), randn(rng, s.F*s.C*s.KH*s.KW), randn(rng, s.F)
		y64 := make([]float64, s.N*s.F*oh*ow)
		Conv2d(y64, x, w, b, s)
		y32 := make([]float32, len(y64))
		Conv2d(y32, asFloat32(x), asFloat32(w), asFloat32(b), s)
		assertClose(t, fmt.Sprintf("%+v: y float32", s), asFloat64(y32), y64, 1e-4)

		g := randn(rng, len(y64))
		dx64, dw64, db64 := make([]float64, len(x)), make([]float64, len(w)), make([]float64, len(b))
		Conv2dBackwardData(dx64, g, w, s)
		Conv2dBackwardFilter(dw64, db64, g, x, s)
		dx32, dw32, db32 := make([]float32, len(x)), make([]float32, len(w)), make([]float32, len(b))
		Conv2dBackwardData(dx32, asFloat32(g), asFloat32(w), s)
		Conv2dBackwardFilter(dw32, db32, asFloat32(g), asFloat32(x), s)
		assertClose(t, "dx float32", asFloat64(dx32), dx64, 1e-4)
		assertClose(t, "dw float32", asFloat64(dw32), dw64, 1e-4)
		assertClose(t, "db float32", asFloat64(db32), db64, 1e-4)
	}
}

// nanSlice returns n NaNs, a destination that fails any check unless overwritten.
func nanSlice(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// panicMessage runs f and returns the string it panicked with ("" if none).
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
