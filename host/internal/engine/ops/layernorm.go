package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// LayerNorm normalizes x (rows, D) or (B, N, D) over its last dimension and applies
// the affine gamma (D), beta (D), as torch.nn.LayerNorm(D) (kernels.LayerNorm: biased
// variance, 1/√(σ² + eps)). gorgonia has no LayerNorm, and building one from its ops
// trains wrong (its InverseSqrt gradient is wrong, docs/dependencies.md).
//
// Its gradients (kernels.LayerNormBackward) recompute the mean and 1/std from x
// instead of keeping them from the forward pass, so the ops stay stateless.
func LayerNorm(x, gamma, beta *G.Node, eps float64) (*G.Node, error) {
	xs := x.Shape()
	if len(xs) != 2 && len(xs) != 3 {
		return nil, fmt.Errorf("ops: layer_norm: x %v, need (rows, D) or (B, N, D)", xs)
	}
	if eps <= 0 {
		return nil, fmt.Errorf("ops: layer_norm: eps %g, need > 0", eps)
	}
	d := xs[len(xs)-1]
	for _, p := range []*G.Node{gamma, beta} {
		if p == nil {
			return nil, fmt.Errorf("ops: layer_norm: gamma and beta are required")
		}
		if ps := p.Shape(); len(ps) != 1 || ps[0] != d {
			return nil, fmt.Errorf("ops: layer_norm: gamma/beta %v, want (%d)", ps, d)
		}
	}
	rank := len(xs)
	return G.ApplyOp(layerNormOp{newOpBase("layer_norm", []int{rank, 1, 1}, rank, eps), eps}, x, gamma, beta)
}

// layerNormOp: (x, gamma, beta) → y, the shape of x.
type layerNormOp struct {
	opBase
	eps float64
}

func (op layerNormOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, op.inDims[0])
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

// lnRows splits a shape into rows × d over its last dimension.
func lnRows(s tensor.Shape) (rows, d int) {
	d = s[len(s)-1]
	rows = 1
	for _, v := range s[:len(s)-1] {
		rows *= v
	}
	return rows, d
}

func (op layerNormOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[0].Shape()...)
	if dt == tensor.Float32 {
		layerNormDo[float32](op.eps, out, in)
	} else {
		layerNormDo[float64](op.eps, out, in)
	}
	return out, nil
}

func layerNormDo[T kernels.Float](eps float64, out *tensor.Dense, in []*tensor.Dense) {
	rows, d := lnRows(in[0].Shape())
	mean, rstd := make([]T, rows), make([]T, rows)
	kernels.LayerNorm(floats[T](out), mean, rstd, floats[T](in[0]), floats[T](in[1]), floats[T](in[2]), rows, d, T(eps))
}

func (op layerNormOp) DiffWRT(inputs int) []bool { return []bool{true, true, true} }

func (op layerNormOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, gamma := inputs[0], inputs[1]
	rank := op.inDims[0]
	names := [3]string{"x", "gamma", "beta"}
	res := make(G.Nodes, 3)
	for w := range res {
		outDims := 1
		if w == 0 {
			outDims = rank
		}
		back := layerNormBackOp{newOpBase("layer_norm_d"+names[w], []int{rank, rank, 1}, outDims, op.eps), op.eps, w}
		n, err := G.ApplyOp(back, x, grad, gamma)
		if err != nil {
			return nil, fmt.Errorf("ops: layer_norm gradient of %s: %w", names[w], err)
		}
		res[w] = n
	}
	return res, nil
}

// layerNormBackOp runs kernels.LayerNormBackward after recomputing the statistics of
// x: (x, dy, gamma) → dx (the shape of x) for which = 0, dgamma (D) for 1, dbeta (D)
// for 2.
type layerNormBackOp struct {
	opBase
	eps   float64
	which int
}

func (op layerNormBackOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, op.inDims[0])
	if err != nil {
		return nil, err
	}
	if op.which != 0 {
		return tensor.Shape{s[len(s)-1]}, nil
	}
	return s.Clone(), nil
}

func (op layerNormBackOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	var out *tensor.Dense
	if op.which != 0 {
		out = newDense(dt, s[len(s)-1])
	} else {
		out = newDense(dt, s...)
	}
	if dt == tensor.Float32 {
		layerNormBackDo[float32](op, out, in)
	} else {
		layerNormBackDo[float64](op, out, in)
	}
	return out, nil
}

func layerNormBackDo[T kernels.Float](op layerNormBackOp, out *tensor.Dense, in []*tensor.Dense) {
	rows, d := lnRows(in[0].Shape())
	x, dy, gamma := floats[T](in[0]), floats[T](in[1]), floats[T](in[2])
	y := make([]T, len(x)) // scratch: the statistics are what is needed
	mean, rstd := make([]T, rows), make([]T, rows)
	kernels.LayerNorm(y, mean, rstd, x, nil, nil, rows, d, T(op.eps))
	switch op.which {
	case 0:
		kernels.LayerNormBackward(floats[T](out), nil, nil, dy, x, mean, rstd, gamma, rows, d)
	case 1:
		kernels.LayerNormBackward(y, floats[T](out), nil, dy, x, mean, rstd, gamma, rows, d)
	default:
		kernels.LayerNormBackward(y, nil, floats[T](out), dy, x, mean, rstd, gamma, rows, d)
	}
}

var (
	_ G.SDOp = layerNormOp{}
	_ G.Op   = layerNormBackOp{}
)
