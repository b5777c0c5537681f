package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"

	"dnw/kernels"
)

func attnBuild(heads int) buildFunc {
	return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		return Attention(in[0], in[1], in[2], heads)
	}
}

func TestAttentionForward(t *testing.T) {
	rng := rand.New(rand.NewSource(61))
	const b, n, m, d, heads = 2, 3, 4, 6, 2
	q, k, v := randDense(rng, b, n, d), randDense(rng, b, m, d), randDense(rng, b, m, d)
	want := make([]float64, b*n*d)
	kernels.Attention(want, make([]float64, b*heads*n*m), q.Data().([]float64), k.Data().([]float64), v.Data().([]float64), b, n, m, d, heads)
	if got := forward(t, attnBuild(heads), q, k, v); !reflect.DeepEqual(got, want) {
		t.Errorf("float64: got %v, want %v", got, want)
	}
	q32, k32, v32 := toFloat32(q), toFloat32(k), toFloat32(v)
	want32 := make([]float32, b*n*d)
	kernels.Attention(want32, make([]float32, b*heads*n*m), q32.Data().([]float32), k32.Data().([]float32), v32.Data().([]float32), b, n, m, d, heads)
	if got := forward(t, attnBuild(heads), q32, k32, v32); !reflect.DeepEqual(got, want32) {
		t.Errorf("float32: got %v, want %v", got, want32)
	}
}

func TestAttentionGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(62))
	for _, c := range []struct{ b, n, m, d, heads int }{{1, 2, 3, 4, 1}, {2, 3, 2, 4, 2}} {
		q, k, v := randDense(rng, c.b, c.n, c.d), randDense(rng, c.b, c.m, c.d), randDense(rng, c.b, c.m, c.d)
		checkGrad(t, attnBuild(c.heads), 1e-5, q, k, v)
	}
}

func TestAttentionSelfGrad(t *testing.T) { // q = k = v = x: the three gradients add up
	rng := rand.New(rand.NewSource(63))
	checkGrad(t, func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		return Attention(in[0], in[0], in[0], 2)
	}, 1e-5, randDense(rng, 2, 3, 4))
}

func TestAttentionErrors(t *testing.T) {
	g := G.NewGraph()
	q := G.NewTensor(g, G.Float64, 3, G.WithShape(2, 3, 4), G.WithName("q"))
	k := G.NewTensor(g, G.Float64, 3, G.WithShape(2, 5, 4), G.WithName("k"))
	v5 := G.NewTensor(g, G.Float64, 3, G.WithShape(2, 5, 6), G.WithName("v5"))
	for name, f := range map[string]func() (*G.Node, error){
		"heads":  func() (*G.Node, error) { return Attention(q, k, k, 3) },
		"zero":   func() (*G.Node, error) { return Attention(q, k, k, 0) },
		"v size": func() (*G.Node, error) { return Attention(q, k, v5, 2) },
	} {
		if _, err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestAttentionRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(64))
	checkRepeat(t, attnBuild(2), toFloat32(randDense(rng, 2, 8, 8)), toFloat32(randDense(rng, 2, 6, 8)), toFloat32(randDense(rng, 2, 6, 8)))
}
