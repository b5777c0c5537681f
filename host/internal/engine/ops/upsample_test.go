package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

func upsampleBuild(scale int) buildFunc {
	return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return UpsampleNearest(in[0], scale) }
}

func TestUpsampleNearestForward(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	x := randDense(rng, 2, 3, 2, 3)
	want := make([]float64, 2*3*4*6)
	kernels.UpsampleNearest(want, x.Data().([]float64), 2, 3, 2, 3, 2)
	if got := forward(t, upsampleBuild(2), x); !reflect.DeepEqual(got, want) {
		t.Errorf("float64: got %v, want %v", got, want)
	}
	x32 := toFloat32(x)
	want32 := make([]float32, len(want))
	kernels.UpsampleNearest(want32, x32.Data().([]float32), 2, 3, 2, 3, 2)
	if got := forward(t, upsampleBuild(2), x32); !reflect.DeepEqual(got, want32) {
		t.Errorf("float32: got %v, want %v", got, want32)
	}
}

func TestUpsampleNearestGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	checkGrad(t, upsampleBuild(2), 1e-6, randDense(rng, 2, 2, 3, 2))
	checkGrad(t, upsampleBuild(3), 1e-6, randDense(rng, 2, 1, 2, 2))
}

func TestUpsampleNearestRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	checkRepeat(t, upsampleBuild(2), toFloat32(randDense(rng, 2, 4, 8, 8)))
}

func TestUpsampleNearestErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 3, G.WithShape(3, 4, 4), G.WithName("x"))
	if _, err := UpsampleNearest(x, 2); err == nil {
		t.Error("3-D x: no error")
	}
	x4 := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 3, 4, 4), G.WithName("x4"))
	if _, err := UpsampleNearest(x4, 0); err == nil {
		t.Error("scale 0: no error")
	}
}
