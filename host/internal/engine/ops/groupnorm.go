package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// GroupNorm normalizes x (N, C, H, W) over groups of C/groups channels of each sample,
// then applies the per-channel affine gamma (C), beta (C), as torch.nn.GroupNorm
// (kernels.GroupNorm: biased variance, 1/√(σ² + eps)). gamma and beta are both given
// or both nil (no affine). Instance norm (torch.nn.InstanceNorm2d with affine=True) is
// groups = C; layer norm over (C, H, W) with a per-channel affine is groups = 1.
//
// Its gradients (kernels.GroupNormBackward) recompute the mean and 1/std from x
// instead of keeping them from the forward pass, so the ops stay stateless; unlike
// gorgonia's GroupNorm nothing is logged.
func GroupNorm(x, gamma, beta *G.Node, groups int, eps float64) (*G.Node, error) {
	xs := x.Shape()
	if len(xs) != 4 {
		return nil, fmt.Errorf("ops: group_norm: x %v, need (N, C, H, W)", xs)
	}
	if groups <= 0 || xs[1]%groups != 0 {
		return nil, fmt.Errorf("ops: group_norm: groups %d must be positive and divide C = %d", groups, xs[1])
	}
	if eps <= 0 {
		return nil, fmt.Errorf("ops: group_norm: eps %g, need > 0", eps)
	}
	if (gamma == nil) != (beta == nil) {
		return nil, fmt.Errorf("ops: group_norm: gamma and beta must both be given or both be nil")
	}
	if gamma == nil {
		return G.ApplyOp(newGroupNormOp(groups, eps, false), x)
	}
	for _, p := range []*G.Node{gamma, beta} {
		if ps := p.Shape(); len(ps) != 1 || ps[0] != xs[1] {
			return nil, fmt.Errorf("ops: group_norm: gamma/beta %v, want (%d)", ps, xs[1])
		}
	}
	return G.ApplyOp(newGroupNormOp(groups, eps, true), x, gamma, beta)
}

// groupNormOp: (x[, gamma, beta]) → y.
type groupNormOp struct {
	opBase
	groups int
	eps    float64
	affine bool
}

func newGroupNormOp(groups int, eps float64, affine bool) groupNormOp {
	in := []int{4}
	if affine {
		in = append(in, 1, 1)
	}
	return groupNormOp{newOpBase("group_norm", in, 4, groups, eps, affine), groups, eps, affine}
}

func (op groupNormOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

func (op groupNormOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[0].Shape()...)
	if dt == tensor.Float32 {
		groupNormDo[float32](op, out, in)
	} else {
		groupNormDo[float64](op, out, in)
	}
	return out, nil
}

func groupNormDo[T kernels.Float](op groupNormOp, out *tensor.Dense, in []*tensor.Dense) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	var gamma, beta []T
	if op.affine {
		gamma, beta = floats[T](in[1]), floats[T](in[2])
	}
	mean, rstd := make([]T, n*op.groups), make([]T, n*op.groups)
	kernels.GroupNorm(floats[T](out), mean, rstd, floats[T](in[0]), gamma, beta, n, c, hw, op.groups, T(op.eps))
}

func (op groupNormOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

func (op groupNormOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x := inputs[0]
	if !op.affine {
		dx, err := G.ApplyOp(newGroupNormBackOp(op.groups, op.eps, false, false), x, grad)
		if err != nil {
			return nil, fmt.Errorf("ops: group_norm gradient of x: %w", err)
		}
		return G.Nodes{dx}, nil
	}
	dx, err := G.ApplyOp(newGroupNormBackOp(op.groups, op.eps, true, false), x, grad, inputs[1])
	if err != nil {
		return nil, fmt.Errorf("ops: group_norm gradient of x: %w", err)
	}
	dgamma, err := G.ApplyOp(newGroupNormBackOp(op.groups, op.eps, false, true), x, grad)
	if err != nil {
		return nil, fmt.Errorf("ops: group_norm gradient of gamma: %w", err)
	}
	dbeta, err := G.ApplyOp(newSumNHWOp(), grad)
	if err != nil {
		return nil, fmt.Errorf("ops: group_norm gradient of beta: %w", err)
	}
	return G.Nodes{dx, dgamma, dbeta}, nil
}

// groupNormBackOp runs kernels.GroupNormBackward after recomputing the statistics of
// x: (x, dy[, gamma]) → dx (N, C, H, W) when dgamma is false, (x, dy) → dgamma (C)
// when it is true.
type groupNormBackOp struct {
	normGrad
	groups int
	eps    float64
	gamma  bool // dx: gamma is the third input
}

func newGroupNormBackOp(groups int, eps float64, gamma, dgamma bool) groupNormBackOp {
	name, in, out := "group_norm_dx", []int{4, 4}, 4
	if gamma {
		in = append(in, 1)
	}
	if dgamma {
		name, out = "group_norm_dgamma", 1
	}
	return groupNormBackOp{normGrad{newOpBase(name, in, out, groups, eps, gamma), dgamma}, groups, eps, gamma}
}

func (op groupNormBackOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := op.output(dt, in[0].Shape())
	if dt == tensor.Float32 {
		groupNormBackDo[float32](op, out, in)
	} else {
		groupNormBackDo[float64](op, out, in)
	}
	return out, nil
}

func groupNormBackDo[T kernels.Float](op groupNormBackOp, out *tensor.Dense, in []*tensor.Dense) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x, dy := floats[T](in[0]), floats[T](in[1])
	y := make([]T, len(x)) // scratch: the statistics are what is needed
	mean, rstd := make([]T, n*op.groups), make([]T, n*op.groups)
	kernels.GroupNorm(y, mean, rstd, x, nil, nil, n, c, hw, op.groups, T(op.eps))
	if op.dgamma {
		kernels.GroupNormBackward(y, floats[T](out), nil, dy, x, mean, rstd, nil, n, c, hw, op.groups)
		return
	}
	var gamma []T
	if op.gamma {
		gamma = floats[T](in[2])
	}
	kernels.GroupNormBackward(floats[T](out), nil, nil, dy, x, mean, rstd, gamma, n, c, hw, op.groups)
}

var (
	_ G.SDOp = groupNormOp{}
	_ G.Op   = groupNormBackOp{}
)
