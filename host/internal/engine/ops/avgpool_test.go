package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

func avgPoolBuild(scale int) buildFunc {
	return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return AvgPool(in[0], scale) }
}

func TestAvgPoolForward(t *testing.T) {
	rng := rand.New(rand.NewSource(21))
	x := randDense(rng, 2, 3, 4, 6)
	want := make([]float64, 2*3*2*3)
	kernels.AvgPool(want, x.Data().([]float64), 2, 3, 4, 6, 2)
	if got := forward(t, avgPoolBuild(2), x); !reflect.DeepEqual(got, want) {
		t.Errorf("float64: got %v, want %v", got, want)
	}
	x32 := toFloat32(x)
	want32 := make([]float32, len(want))
	kernels.AvgPool(want32, x32.Data().([]float32), 2, 3, 4, 6, 2)
	if got := forward(t, avgPoolBuild(2), x32); !reflect.DeepEqual(got, want32) {
		t.Errorf("float32: got %v, want %v", got, want32)
	}
}

func TestAvgPoolGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(22))
	checkGrad(t, avgPoolBuild(2), 1e-6, randDense(rng, 2, 2, 4, 6))
	checkGrad(t, avgPoolBuild(3), 1e-6, randDense(rng, 2, 1, 3, 6))
}

func TestAvgPoolRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(23))
	checkRepeat(t, avgPoolBuild(2), toFloat32(randDense(rng, 2, 4, 8, 8)))
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
