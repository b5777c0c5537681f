package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"

	"dnw/kernels"
)

func layerNormBuild(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
	return LayerNorm(in[0], in[1], in[2], 1e-5)
}

func TestLayerNormForward(t *testing.T) {
	rng := rand.New(rand.NewSource(51))
	for _, shape := range [][]int{{3, 5}, {2, 3, 5}} {
		x, gamma, beta := randDense(rng, shape...), randDense(rng, 5), randDense(rng, 5)
		rows := len(x.Data().([]float64)) / 5
		want := make([]float64, rows*5)
		kernels.LayerNorm(want, make([]float64, rows), make([]float64, rows), x.Data().([]float64), gamma.Data().([]float64), beta.Data().([]float64), rows, 5, 1e-5)
		if got := forward(t, layerNormBuild, x, gamma, beta); !reflect.DeepEqual(got, want) {
			t.Errorf("%v float64: got %v, want %v", shape, got, want)
		}
		x32, g32, b32 := toFloat32(x), toFloat32(gamma), toFloat32(beta)
		want32 := make([]float32, rows*5)
		kernels.LayerNorm(want32, make([]float32, rows), make([]float32, rows), x32.Data().([]float32), g32.Data().([]float32), b32.Data().([]float32), rows, 5, 1e-5)
		if got := forward(t, layerNormBuild, x32, g32, b32); !reflect.DeepEqual(got, want32) {
			t.Errorf("%v float32: got %v, want %v", shape, got, want32)
		}
	}
}

func TestLayerNormGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(52))
	for _, shape := range [][]int{{3, 4}, {2, 3, 4}} {
		checkGrad(t, layerNormBuild, 1e-5, randDense(rng, shape...), randDense(rng, 4), randDense(rng, 4))
	}
}

func TestLayerNormErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, G.Float64, 2, G.WithShape(3, 4), G.WithName("x"))
	p5 := G.NewVector(g, G.Float64, G.WithShape(5), G.WithName("p5"))
	p4 := G.NewVector(g, G.Float64, G.WithShape(4), G.WithName("p4"))
	x1 := G.NewVector(g, G.Float64, G.WithShape(4), G.WithName("x1"))
	for name, f := range map[string]func() (*G.Node, error){
		"gamma size": func() (*G.Node, error) { return LayerNorm(x, p5, p4, 1e-5) },
		"nil beta":   func() (*G.Node, error) { return LayerNorm(x, p4, nil, 1e-5) },
		"eps":        func() (*G.Node, error) { return LayerNorm(x, p4, p4, 0) },
		"rank 1":     func() (*G.Node, error) { return LayerNorm(x1, p4, p4, 1e-5) },
	} {
		if _, err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestLayerNormRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(53))
	checkRepeat(t, layerNormBuild, toFloat32(randDense(rng, 2, 8, 16)), toFloat32(randDense(rng, 16)), toFloat32(randDense(rng, 16)))
}
