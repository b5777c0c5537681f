package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func concatBuild(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return ConcatChannels(in...) }

// ConcatChannels gives what gorgonia's Concat along axis 1 gives, and its gradients
// check against finite differences for every input.
func TestConcatChannels(t *testing.T) {
	rng := rand.New(rand.NewSource(51))
	xs := []*tensor.Dense{randDense(rng, 2, 1, 2, 3), randDense(rng, 2, 3, 2, 3), randDense(rng, 2, 2, 2, 3)}
	gorgoniaConcat := func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return G.Concat(1, in...) }
	want := forward(t, gorgoniaConcat, xs...)
	if got := forward(t, concatBuild, xs...); !reflect.DeepEqual(got, want) {
		t.Errorf("float64: got %v, want %v", got, want)
	}
	x32 := []*tensor.Dense{toFloat32(xs[0]), toFloat32(xs[1]), toFloat32(xs[2])}
	if got, want := forward(t, concatBuild, x32...), forward(t, gorgoniaConcat, x32...); !reflect.DeepEqual(got, want) {
		t.Errorf("float32: got %v, want %v", got, want)
	}
	checkGrad(t, concatBuild, 1e-6, xs...)
	checkGrad(t, concatBuild, 1e-6, randDense(rng, 1, 2, 1, 4)) // one input
}

func TestConcatChannelsRejectsMismatchedShapes(t *testing.T) {
	g := G.NewGraph()
	a := G.NewTensor(g, G.Float64, 4, G.WithShape(2, 1, 2, 3), G.WithName("a"))
	b := G.NewTensor(g, G.Float64, 4, G.WithShape(2, 1, 3, 3), G.WithName("b"))
	if _, err := ConcatChannels(a, b); err == nil {
		t.Fatal("concat of (2,1,2,3) and (2,1,3,3): no error")
	}
}
