package ops

import (
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestBuiltinGradients checks, against finite differences in float64, the gradients of
// the gorgonia built-ins the engine compiles IR ops and losses from (some of
// gorgonia's gradients are wrong, docs/dependencies.md, so none is trusted unchecked), and of
// the token ops composed from them.
func TestBuiltinGradients(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	unary := func(f func(*G.Node) (*G.Node, error)) buildFunc {
		return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return f(in[0]) }
	}
	for _, c := range []struct {
		name   string
		build  buildFunc
		shapes [][]int
	}{
		{"tanh", unary(G.Tanh), [][]int{{2, 3, 4}}},
		{"sigmoid", unary(G.Sigmoid), [][]int{{2, 3, 4}}},
		{"square", unary(G.Square), [][]int{{2, 3}}},
		{"softplus", unary(G.Softplus), [][]int{{2, 3}}},
		{"abs", unary(G.Abs), [][]int{{2, 3, 4}}},
		// The losses take the mean of everything (a scalar, which the checker cannot
		// weight); the mean along an axis has the same gradient rule.
		{"mean", unary(func(x *G.Node) (*G.Node, error) { return G.Mean(x, 2) }), [][]int{{2, 3, 4}}},
		{"add", func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return G.Add(in[0], in[1]) }, [][]int{{2, 3}, {2, 3}}},
		{"sub", func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return G.Sub(in[0], in[1]) }, [][]int{{2, 3}, {2, 3}}},
		{"hadamard", func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return G.HadamardProd(in[0], in[1]) }, [][]int{{2, 3}, {2, 3}}},
		{"concat_channels", func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return G.Concat(1, in[0], in[1]) },
			[][]int{{2, 2, 3, 3}, {2, 3, 3, 3}}},
		{"to_tokens", func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return ToTokens(in[0]) }, [][]int{{2, 3, 2, 4}}},
		{"from_tokens", func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return FromTokens(in[0], 2, 4) }, [][]int{{2, 8, 3}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var values []*tensor.Dense
			for _, s := range c.shapes {
				values = append(values, randDense(rng, s...))
			}
			checkGrad(t, c.build, 1e-6, values...)
		})
	}
}
