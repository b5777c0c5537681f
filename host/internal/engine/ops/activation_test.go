package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"

	"dnw/kernels"
)

func geluBuild(g *G.ExprGraph, in []*G.Node) (*G.Node, error)  { return GELU(in[0]) }
func siluBuild(g *G.ExprGraph, in []*G.Node) (*G.Node, error)  { return SiLU(in[0]) }
func reluBuild(g *G.ExprGraph, in []*G.Node) (*G.Node, error)  { return ReLU(in[0]) }
func leakyBuild(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return LeakyReLU(in[0], 0.2) }

func TestActivationForward(t *testing.T) {
	rng := rand.New(rand.NewSource(41))
	x := randDense(rng, 2, 3, 4)
	x.Apply(func(v float64) float64 { return 4 * v }) // cover [-4, 4)
	for _, c := range []struct {
		name  string
		build buildFunc
		k64   func(dst, x []float64)
		k32   func(dst, x []float32)
	}{
		{"gelu", geluBuild, kernels.GELU[float64], kernels.GELU[float32]},
		{"silu", siluBuild, kernels.SiLU[float64], kernels.SiLU[float32]},
		{"relu", reluBuild, kernels.ReLU[float64], kernels.ReLU[float32]},
		{"leaky_relu", leakyBuild, func(dst, x []float64) { kernels.LeakyReLU(dst, x, 0.2) },
			func(dst, x []float32) { kernels.LeakyReLU(dst, x, 0.2) }},
	} {
		want := make([]float64, 24)
		c.k64(want, x.Data().([]float64))
		if got := forward(t, c.build, x); !reflect.DeepEqual(got, want) {
			t.Errorf("%s float64: got %v, want %v", c.name, got, want)
		}
		x32 := toFloat32(x)
		want32 := make([]float32, 24)
		c.k32(want32, x32.Data().([]float32))
		if got := forward(t, c.build, x32); !reflect.DeepEqual(got, want32) {
			t.Errorf("%s float32: got %v, want %v", c.name, got, want32)
		}
	}
}

func TestActivationGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	for _, shape := range [][]int{{5}, {2, 3}, {2, 2, 3}, {1, 2, 2, 2}} {
		x := randDense(rng, shape...)
		x.Apply(func(v float64) float64 { return 3 * v })
		checkGrad(t, geluBuild, 1e-6, x)
		checkGrad(t, siluBuild, 1e-6, x)
		checkGrad(t, reluBuild, 1e-6, x) // the seeded values keep clear of the kink at 0
		checkGrad(t, leakyBuild, 1e-6, x)
	}
}

func TestActivationGradComposed(t *testing.T) { // GELU(SiLU(x)): the gradients chain
	rng := rand.New(rand.NewSource(43))
	checkGrad(t, func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		s, err := SiLU(in[0])
		if err != nil {
			return nil, err
		}
		return GELU(s)
	}, 1e-6, randDense(rng, 3, 4))
}

func TestActivationRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(44))
	checkRepeat(t, geluBuild, toFloat32(randDense(rng, 4, 16)))
	checkRepeat(t, siluBuild, toFloat32(randDense(rng, 2, 4, 8)))
	checkRepeat(t, leakyBuild, toFloat32(randDense(rng, 2, 4, 8)))
}
