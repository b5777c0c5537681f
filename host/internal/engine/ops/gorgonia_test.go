package ops

import (
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestGorgoniaGradientsWeReplace records why this package replaces two of gorgonia's
// built-ins (docs/dependencies.md): against finite differences, the gradient of
// InverseSqrt is wrong (−g/(2y³) instead of −g·y³/2, so a layer norm composed from it
// trains wrong; layernorm.go) and so is AveragePool2D's backward pass (avgpool.go).
// If gorgonia fixes either, this test fails, and the replacement may be retired.
func TestGorgoniaGradientsWeReplace(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	positive := randDense(rng, 2, 3)
	for i, v := range positive.Data().([]float64) {
		positive.Data().([]float64)[i] = 0.5 + v*v // InverseSqrt's domain, away from 0
	}
	for _, c := range []struct {
		name  string
		build buildFunc
		value *tensor.Dense
	}{
		{"InverseSqrt", func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) { return G.InverseSqrt(in[0]) }, positive},
		{"AveragePool2D", func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
			return G.AveragePool2D(in[0], tensor.Shape{2, 2}, []int{0, 0}, []int{2, 2})
		}, randDense(rng, 1, 2, 4, 4)},
	} {
		q := &quietTB{TB: t}
		checkGradTB(q, c.build, 1e-6, c.value)
		if !q.failed {
			t.Errorf("gorgonia's %s gradient now passes the finite-difference check: its replacement may be retired (docs/dependencies.md)", c.name)
		}
	}
}
