package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"

	"dnw/kernels"
)

func linearBuild(bias bool) buildFunc {
	return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		if bias {
			return Linear(in[0], in[1], in[2])
		}
		return Linear(in[0], in[1], nil)
	}
}

func TestLinearForward(t *testing.T) {
	rng := rand.New(rand.NewSource(51))
	x, w, b := toFloat32(randDense(rng, 2, 3, 4)), toFloat32(randDense(rng, 5, 4)), toFloat32(randDense(rng, 5))
	want := make([]float32, 2*3*5)
	kernels.Linear(want, x.Data().([]float32), w.Data().([]float32), b.Data().([]float32), 6, 4, 5)
	if got := forward(t, linearBuild(true), x, w, b); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestLinearGradWithoutBias(t *testing.T) { // with a bias: TestEveryIROpIsGradientChecked
	rng := rand.New(rand.NewSource(52))
	checkGrad(t, linearBuild(false), 1e-6, randDense(rng, 3, 1, 2), randDense(rng, 4, 2))
}

func TestLinearRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(53))
	checkRepeat(t, linearBuild(true), toFloat32(randDense(rng, 2, 16, 8)), toFloat32(randDense(rng, 8, 8)), toFloat32(randDense(rng, 8)))
}
