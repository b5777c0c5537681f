package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// resizeCases are the two resize ops: each with its builder, its kernels, and shapes
// for which its scale fits. Seeds differ per case so the two draw different data.
var resizeCases = []struct {
	name  string
	build func(scale int) buildFunc
	k64   func(dst, x []float64, n, c, h, w, scale int)
	k32   func(dst, x []float32, n, c, h, w, scale int)
	x, y  []int   // forward input and output shapes at scale 2
	grads [][]int // input shapes of the gradient checks, at scales 2 and 3
	seed  int64
}{
	{"upsample_nearest", func(scale int) buildFunc {
		return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return UpsampleNearest(in[0], scale, scale) }
	}, func(dst, x []float64, n, c, h, w, s int) { kernels.UpsampleNearest(dst, x, n, c, h, w, s, s) },
		func(dst, x []float32, n, c, h, w, s int) { kernels.UpsampleNearest(dst, x, n, c, h, w, s, s) },
		[]int{2, 3, 2, 3}, []int{2, 3, 4, 6}, [][]int{{2, 2, 3, 2}, {2, 1, 2, 2}}, 11},
	{"avg_pool", func(scale int) buildFunc {
		return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return AvgPool(in[0], scale) }
	}, kernels.AvgPool[float64], kernels.AvgPool[float32],
		[]int{2, 3, 4, 6}, []int{2, 3, 2, 3}, [][]int{{2, 2, 4, 6}, {2, 1, 3, 6}}, 21},
}

func TestResizeForward(t *testing.T) {
	for _, c := range resizeCases {
		rng := rand.New(rand.NewSource(c.seed))
		x := randDense(rng, c.x...)
		want := make([]float64, tensor.Shape(c.y).TotalSize())
		c.k64(want, x.Data().([]float64), c.x[0], c.x[1], c.x[2], c.x[3], 2)
		if got := forward(t, c.build(2), x); !reflect.DeepEqual(got, want) {
			t.Errorf("%s float64: got %v, want %v", c.name, got, want)
		}
		x32 := toFloat32(x)
		want32 := make([]float32, len(want))
		c.k32(want32, x32.Data().([]float32), c.x[0], c.x[1], c.x[2], c.x[3], 2)
		if got := forward(t, c.build(2), x32); !reflect.DeepEqual(got, want32) {
			t.Errorf("%s float32: got %v, want %v", c.name, got, want32)
		}
	}
}

// TestUpsampleAlongRowsGrad checks upsample1d's form (rows only) and the broadcast of
// a 1×1 image along a row, which the weight generator's conditioning uses.
func TestUpsampleAlongRowsGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(31))
	for _, tc := range []struct {
		x  []int
		sw int
	}{{[]int{2, 3, 1, 4}, 2}, {[]int{2, 3, 1, 1}, 5}} {
		build := func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return UpsampleNearest(in[0], 1, tc.sw) }
		checkGrad(t, build, 1e-6, randDense(rng, tc.x...))
	}
}

func TestResizeGrad(t *testing.T) {
	for _, c := range resizeCases {
		rng := rand.New(rand.NewSource(c.seed + 1))
		checkGrad(t, c.build(2), 1e-6, randDense(rng, c.grads[0]...))
		checkGrad(t, c.build(3), 1e-6, randDense(rng, c.grads[1]...))
	}
}

func TestResizeRepeat(t *testing.T) {
	for _, c := range resizeCases {
		rng := rand.New(rand.NewSource(c.seed + 2))
		checkRepeat(t, c.build(2), toFloat32(randDense(rng, 2, 4, 8, 8)))
	}
}

func TestUpsampleNearestErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 3, G.WithShape(3, 4, 4), G.WithName("x"))
	if _, err := UpsampleNearest(x, 2, 2); err == nil {
		t.Error("3-D x: no error")
	}
	x4 := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 3, 4, 4), G.WithName("x4"))
	if _, err := UpsampleNearest(x4, 0, 1); err == nil {
		t.Error("scale 0: no error")
	}
}

func TestAvgPoolErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 3, 5, 4), G.WithName("x"))
	if _, err := AvgPool(x, 2); err == nil {
		t.Error("H = 5 with scale 2: no error")
	}
	if _, err := AvgPool(x, 0); err == nil {
		t.Error("scale 0: no error")
	}
}
