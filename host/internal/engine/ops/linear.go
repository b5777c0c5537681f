package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// Linear is y = x·Wᵀ + b on every token: x (B, N, D), W (F, D), b (F) or nil → (B, N, F)
// (kernels.Linear; torch.nn.functional.linear). It replaces a composition of
// gorgonia's reshape, transpose, matrix product and broadcast add, whose product ran
// on gonum rather than the kernels' BLAS backend (a fifth of a GAN step).
func Linear(x, w, b *G.Node) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if len(xs) != 3 || len(ws) != 2 || ws[1] != xs[2] {
		return nil, fmt.Errorf("ops: linear: x %v and w %v, need (B, N, D) and (F, D)", xs, ws)
	}
	if b == nil {
		return G.ApplyOp(linearOp{newOpBase("linear", []int{3, 2}, 3), false}, x, w)
	}
	if bs := b.Shape(); len(bs) != 1 || bs[0] != ws[0] {
		return nil, fmt.Errorf("ops: linear: bias %v, want (%d)", bs, ws[0])
	}
	return G.ApplyOp(linearOp{newOpBase("linear", []int{3, 2, 1}, 3, true), true}, x, w, b)
}

// linearOp: (x, w[, b]) → y.
type linearOp struct {
	opBase
	bias bool
}

func (op linearOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	xs, err := op.shapeOf(inputs, 0, 3)
	if err != nil {
		return nil, err
	}
	ws, err := op.shapeOf(inputs, 1, 2)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{xs[0], xs[1], ws[0]}, nil
}

func (op linearOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	xs, ws := in[0].Shape(), in[1].Shape()
	out := newDense(dt, xs[0], xs[1], ws[0])
	if dt == tensor.Float32 {
		linearDo[float32](out, in)
	} else {
		linearDo[float64](out, in)
	}
	return out, nil
}

func linearDo[T kernels.Float](out *tensor.Dense, in []*tensor.Dense) {
	xs, ws := in[0].Shape(), in[1].Shape()
	var b []T
	if len(in) == 3 {
		b = floats[T](in[2])
	}
	kernels.Linear(floats[T](out), floats[T](in[0]), floats[T](in[1]), b, xs[0]*xs[1], ws[1], ws[0])
}

func (op linearOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

func (op linearOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	dx, err := G.ApplyOp(linearBackOp{newOpBase("linear_dx", []int{3, 2}, 3), linearDx}, grad, w)
	if err != nil {
		return nil, fmt.Errorf("ops: linear gradient of x: %w", err)
	}
	dw, err := G.ApplyOp(linearBackOp{newOpBase("linear_dw", []int{3, 3}, 2), linearDw}, grad, x)
	if err != nil {
		return nil, fmt.Errorf("ops: linear gradient of w: %w", err)
	}
	if !op.bias {
		return G.Nodes{dx, dw}, nil
	}
	db, err := G.ApplyOp(linearBackOp{newOpBase("linear_db", []int{3}, 1), linearDb}, grad)
	if err != nil {
		return nil, fmt.Errorf("ops: linear gradient of b: %w", err)
	}
	return G.Nodes{dx, dw, db}, nil
}

// linearGrad says which gradient a linearBackOp computes.
type linearGrad int

const (
	linearDx linearGrad = iota // (dy, w) → dx (B, N, D)
	linearDw                   // (dy, x) → dw (F, D)
	linearDb                   // (dy) → db (F)
)

// linearBackOp runs kernels.LinearBackwardData or LinearBackwardWeight.
type linearBackOp struct {
	opBase
	grad linearGrad
}

func (op linearBackOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	dys, err := op.shapeOf(inputs, 0, 3)
	if err != nil {
		return nil, err
	}
	switch op.grad {
	case linearDx:
		ws, err := op.shapeOf(inputs, 1, 2)
		if err != nil {
			return nil, err
		}
		return tensor.Shape{dys[0], dys[1], ws[1]}, nil
	case linearDw:
		xs, err := op.shapeOf(inputs, 1, 3)
		if err != nil {
			return nil, err
		}
		return tensor.Shape{dys[2], xs[2]}, nil
	}
	return tensor.Shape{dys[2]}, nil
}

func (op linearBackOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	shapes := make([]G.DimSizer, len(in))
	for i, d := range in {
		shapes[i] = d.Shape()
	}
	s, err := op.InferShape(shapes...)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, s...)
	if dt == tensor.Float32 {
		linearBackDo[float32](op.grad, out, in)
	} else {
		linearBackDo[float64](op.grad, out, in)
	}
	return out, nil
}

func linearBackDo[T kernels.Float](grad linearGrad, out *tensor.Dense, in []*tensor.Dense) {
	dys := in[0].Shape()
	rows, f := dys[0]*dys[1], dys[2]
	dy := floats[T](in[0])
	switch grad {
	case linearDx:
		kernels.LinearBackwardData(floats[T](out), dy, floats[T](in[1]), rows, in[1].Shape()[1], f)
	case linearDw:
		kernels.LinearBackwardWeight(floats[T](out), nil, dy, floats[T](in[1]), rows, in[1].Shape()[2], f)
	case linearDb:
		db := floats[T](out)
		for r := range rows {
			for o, g := range dy[r*f : (r+1)*f] {
				db[o] += g
			}
		}
	}
}

var (
	_ G.SDOp = linearOp{}
	_ G.Op   = linearBackOp{}
)
