package ops

import (
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
)

func addParamBuild(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return AddParam(in[0], in[1]) }

// AddParam adds the weight to every sample (TestEveryIROpIsGradientChecked checks its
// gradients).
func TestAddParam(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	x, p := randDense(rng, 2, 3, 1, 4), randDense(rng, 3, 1, 4)
	got := forward(t, addParamBuild, x, p)
	xs, ps := x.Data().([]float64), p.Data().([]float64)
	for i, v := range got.([]float64) {
		if want := xs[i] + ps[i%len(ps)]; v != want {
			t.Fatalf("out[%d] = %g, want %g", i, v, want)
		}
	}
}

func TestAddParamRejectsShapes(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, G.Float64, 4, G.WithShape(2, 3, 1, 4), G.WithName("x"))
	p := G.NewTensor(g, G.Float64, 3, G.WithShape(3, 1, 5), G.WithName("p"))
	if _, err := AddParam(x, p); err == nil {
		t.Fatal("add_param of (2,3,1,4) and (3,1,5): no error")
	}
}
