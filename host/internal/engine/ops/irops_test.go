package ops

import (
	"math/rand"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/sdk/ir"
)

// TestEveryIROpIsGradientChecked lists how the engine runs each op of the arch IR
// (compile.go) and checks that function's gradients against central differences in
// float64, with every input differentiated. The list must name every op of
// ir.Ops(): a new op cannot reach the engine without a gradient check.
func TestEveryIROpIsGradientChecked(t *testing.T) {
	rng := rand.New(rand.NewSource(61))
	in := func(f func(in []*G.Node) (*G.Node, error)) buildFunc {
		return func(_ *G.ExprGraph, in []*G.Node) (*G.Node, error) { return f(in) }
	}
	training := &Mode{Training: true}
	checks := map[ir.Op]struct {
		build  buildFunc
		shapes [][]int
	}{
		ir.OpConv2d: {in(func(x []*G.Node) (*G.Node, error) { return Conv2d(x[0], x[1], x[2], 2, 1) }),
			[][]int{{2, 3, 5, 4}, {4, 3, 3, 3}, {4}}},
		ir.OpConv1d: {in(func(x []*G.Node) (*G.Node, error) { return Conv1d(x[0], x[1], x[2], 2, 1) }),
			[][]int{{2, 3, 1, 7}, {4, 3, 1, 3}, {4}}},
		ir.OpLinear: {in(func(x []*G.Node) (*G.Node, error) { return Linear(x[0], x[1], x[2]) }),
			[][]int{{2, 3, 4}, {5, 4}, {5}}},
		ir.OpGroupNorm: {in(func(x []*G.Node) (*G.Node, error) { return GroupNorm(x[0], x[1], x[2], 2, 1e-5) }),
			[][]int{{2, 4, 2, 3}, {4}, {4}}},
		ir.OpInstanceNorm: {in(func(x []*G.Node) (*G.Node, error) { return GroupNorm(x[0], x[1], x[2], 4, 1e-5) }),
			[][]int{{2, 4, 2, 3}, {4}, {4}}},
		ir.OpBatchNorm: {in(func(x []*G.Node) (*G.Node, error) {
			return BatchNorm(x[0], x[1], x[2], "bn", 1e-5, NewBatchNormState(4), training)
		}), [][]int{{3, 4, 2, 3}, {4}, {4}}},
		ir.OpLayerNorm: {in(func(x []*G.Node) (*G.Node, error) { return LayerNorm(x[0], x[1], x[2], 1e-5) }),
			[][]int{{2, 3, 6}, {6}, {6}}},
		ir.OpReLU:      {in(func(x []*G.Node) (*G.Node, error) { return ReLU(x[0]) }), [][]int{{2, 3, 4}}},
		ir.OpLeakyReLU: {in(func(x []*G.Node) (*G.Node, error) { return LeakyReLU(x[0], 0.2) }), [][]int{{2, 3, 4}}},
		ir.OpGELU:      {in(func(x []*G.Node) (*G.Node, error) { return GELU(x[0]) }), [][]int{{2, 3, 4}}},
		ir.OpSiLU:      {in(func(x []*G.Node) (*G.Node, error) { return SiLU(x[0]) }), [][]int{{2, 3, 4}}},
		ir.OpTanh:      {in(func(x []*G.Node) (*G.Node, error) { return G.Tanh(x[0]) }), [][]int{{2, 3, 4}}},
		ir.OpSigmoid:   {in(func(x []*G.Node) (*G.Node, error) { return G.Sigmoid(x[0]) }), [][]int{{2, 3, 4}}},
		// Dropout is linear in x for a fixed mask, but draws a new mask on every pass,
		// which finite differences cannot follow: TestDropout checks that its gradient
		// is exactly dy times the forward pass's mask. Here: evaluation mode.
		ir.OpDropout: {in(func(x []*G.Node) (*G.Node, error) {
			return Dropout(x[0], "drop", NewDropoutState(&Mode{}, 0.5, 1))
		}), [][]int{{2, 3, 4}}},
		ir.OpUpsample:   {in(func(x []*G.Node) (*G.Node, error) { return UpsampleNearest(x[0], 2, 2) }), [][]int{{2, 3, 2, 3}}},
		ir.OpUpsample1d: {in(func(x []*G.Node) (*G.Node, error) { return UpsampleNearest(x[0], 1, 3) }), [][]int{{2, 3, 1, 2}}},
		ir.OpAvgPool:    {in(func(x []*G.Node) (*G.Node, error) { return AvgPool(x[0], 2) }), [][]int{{2, 3, 4, 6}}},
		ir.OpConcat: {in(func(x []*G.Node) (*G.Node, error) { return ConcatChannels(x[0], x[1]) }),
			[][]int{{2, 2, 3, 3}, {2, 3, 3, 3}}},
		ir.OpAdd:        {in(func(x []*G.Node) (*G.Node, error) { return G.Add(x[0], x[1]) }), [][]int{{2, 3, 2, 2}, {2, 3, 2, 2}}},
		ir.OpMul:        {in(func(x []*G.Node) (*G.Node, error) { return G.HadamardProd(x[0], x[1]) }), [][]int{{2, 3, 1, 4}, {2, 3, 1, 4}}},
		ir.OpAddParam:   {in(func(x []*G.Node) (*G.Node, error) { return AddParam(x[0], x[1]) }), [][]int{{2, 3, 1, 4}, {3, 1, 4}}},
		ir.OpToTokens:   {in(func(x []*G.Node) (*G.Node, error) { return ToTokens(x[0]) }), [][]int{{2, 3, 2, 4}}},
		ir.OpFromTokens: {in(func(x []*G.Node) (*G.Node, error) { return FromTokens(x[0], 2, 4) }), [][]int{{2, 8, 3}}},
		ir.OpAttention: {in(func(x []*G.Node) (*G.Node, error) { return Attention(x[0], x[1], x[2], 2) }),
			[][]int{{2, 3, 4}, {2, 5, 4}, {2, 5, 4}}},
	}
	for _, op := range ir.Ops() {
		c, ok := checks[op]
		if !ok {
			t.Errorf("IR op %s has no gradient check here", op)
			continue
		}
		t.Run(string(op), func(t *testing.T) {
			var values []*tensor.Dense
			for _, s := range c.shapes {
				values = append(values, randDense(rng, s...))
			}
			checkGrad(t, c.build, 1e-5, values...)
		})
	}
	for op := range checks {
		if !slices.Contains(ir.Ops(), op) {
			t.Errorf("checked op %s is not in the IR", op)
		}
	}
}
