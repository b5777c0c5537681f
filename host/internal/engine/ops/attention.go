package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// Attention is multi-head scaled dot-product attention without projections
// (kernels.Attention): q (B, N, D), k (B, M, D), v (B, M, D) → (B, N, D), heads
// dividing D; head h uses columns h·D/heads .. (h+1)·D/heads − 1.
//
// The ops are stateless: the forward keeps no probabilities. The gradient graph
// recomputes them once, in an attn_probs node (B, heads, N, M) shared by the three
// gradient ops (dq, dk, dv), each of which runs kernels.AttentionBackward. Keeping the
// forward's probabilities inside the op would make the op value carry per-run state,
// which gorgonia neither expects (ops are hashed, compared and may be shared between
// nodes) nor orders (the tape does not know the backward op depends on that state).
func Attention(q, k, v *G.Node, heads int) (*G.Node, error) {
	qs, ks, vs := q.Shape(), k.Shape(), v.Shape()
	if len(qs) != 3 || len(ks) != 3 || len(vs) != 3 {
		return nil, fmt.Errorf("ops: attention: q %v, k %v, v %v, need (B, N, D), (B, M, D), (B, M, D)", qs, ks, vs)
	}
	if ks[0] != qs[0] || ks[2] != qs[2] || !vs.Eq(ks) {
		return nil, fmt.Errorf("ops: attention: q %v, k %v, v %v, need (B, N, D), (B, M, D), (B, M, D)", qs, ks, vs)
	}
	if heads <= 0 || qs[2]%heads != 0 {
		return nil, fmt.Errorf("ops: attention: heads %d must be positive and divide D = %d", heads, qs[2])
	}
	return G.ApplyOp(attnOp{newOpBase("attention", []int{3, 3, 3}, 3, heads), heads}, q, k, v)
}

// attnDims returns B, N, M, D from the shapes of q and k.
func attnDims(qs, ks tensor.Shape) (b, n, m, d int) { return qs[0], qs[1], ks[1], qs[2] }

// attnOp: (q, k, v) → y (B, N, D).
type attnOp struct {
	opBase
	heads int
}

func (op attnOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 3)
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

func (op attnOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[0].Shape()...)
	if dt == tensor.Float32 {
		attnDo[float32](op.heads, out, nil, in)
	} else {
		attnDo[float64](op.heads, out, nil, in)
	}
	return out, nil
}

// attnDo runs kernels.Attention into y and/or probs (either may be nil: scratch).
func attnDo[T kernels.Float](heads int, y, probs *tensor.Dense, in []*tensor.Dense) {
	b, n, m, d := attnDims(in[0].Shape(), in[1].Shape())
	var ys, ps []T
	if y != nil {
		ys = floats[T](y)
	} else {
		ys = make([]T, b*n*d)
	}
	if probs != nil {
		ps = floats[T](probs)
	} else {
		ps = make([]T, b*heads*n*m)
	}
	kernels.Attention(ys, ps, floats[T](in[0]), floats[T](in[1]), floats[T](in[2]), b, n, m, d, heads)
}

func (op attnOp) DiffWRT(inputs int) []bool { return []bool{true, true, true} }

func (op attnOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	q, k, v := inputs[0], inputs[1], inputs[2]
	probs, err := G.ApplyOp(attnProbsOp{newOpBase("attn_probs", []int{3, 3, 3}, 4, op.heads), op.heads}, q, k, v)
	if err != nil {
		return nil, fmt.Errorf("ops: attention gradient: %w", err)
	}
	names := [3]string{"q", "k", "v"}
	res := make(G.Nodes, 3)
	for w := range res {
		back := attnBackOp{newOpBase("attention_d"+names[w], []int{3, 3, 3, 3, 4}, 3, op.heads), op.heads, w}
		res[w], err = G.ApplyOp(back, q, k, v, grad, probs)
		if err != nil {
			return nil, fmt.Errorf("ops: attention gradient of %s: %w", names[w], err)
		}
	}
	return res, nil
}

// attnProbsOp: (q, k, v) → probs (B, heads, N, M), recomputed by kernels.Attention
// for the gradient ops.
type attnProbsOp struct {
	opBase
	heads int
}

func (op attnProbsOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	qs, err := op.shapeOf(inputs, 0, 3)
	if err != nil {
		return nil, err
	}
	ks, err := op.shapeOf(inputs, 1, 3)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{qs[0], op.heads, qs[1], ks[1]}, nil
}

func (op attnProbsOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	b, n, m, _ := attnDims(in[0].Shape(), in[1].Shape())
	probs := newDense(dt, b, op.heads, n, m)
	if dt == tensor.Float32 {
		attnDo[float32](op.heads, nil, probs, in)
	} else {
		attnDo[float64](op.heads, nil, probs, in)
	}
	return probs, nil
}

// attnBackOp: (q, k, v, dy, probs) → dq (which = 0), dk (1) or dv (2), by
// kernels.AttentionBackward.
type attnBackOp struct {
	opBase
	heads int
	which int
}

func (op attnBackOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, op.which, 3)
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

func (op attnBackOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[op.which].Shape()...)
	if dt == tensor.Float32 {
		attnBackDo[float32](op, out, in)
	} else {
		attnBackDo[float64](op, out, in)
	}
	return out, nil
}

func attnBackDo[T kernels.Float](op attnBackOp, out *tensor.Dense, in []*tensor.Dense) {
	b, n, m, d := attnDims(in[0].Shape(), in[1].Shape())
	g := [3][]T{make([]T, b*n*d), make([]T, b*m*d), make([]T, b*m*d)}
	g[op.which] = floats[T](out)
	kernels.AttentionBackward(g[0], g[1], g[2], floats[T](in[3]), floats[T](in[0]), floats[T](in[1]), floats[T](in[2]), floats[T](in[4]), b, n, m, d, op.heads)
}

var (
	_ G.SDOp = attnOp{}
	_ G.Op   = attnProbsOp{}
	_ G.Op   = attnBackOp{}
)
