package ops

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// AddParam is x + p for x (B, …) and a parameter p of x's per-sample shape (…), the
// same p for every sample (IR add_param, a learned embedding). The gradient of x is
// dy; that of p is dy summed over the batch.
func AddParam(x, p *G.Node) (*G.Node, error) {
	xs, ps := x.Shape(), p.Shape()
	if len(xs) != len(ps)+1 || !slices.Equal([]int(xs[1:]), []int(ps)) {
		return nil, fmt.Errorf("ops: add_param: input %v, weight %v: want the weight's shape after the batch", xs, ps)
	}
	return G.ApplyOp(addParamOp{newOpBase("add_param", []int{len(xs), len(ps)}, len(xs))}, x, p)
}

// addParamOp is x + p broadcast over x's first (batch) axis.
type addParamOp struct{ opBase }

func (op addParamOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	return op.shapeOf(inputs, 0, op.inDims[0])
}

func (op addParamOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[0].Shape()...)
	if dt == tensor.Float32 {
		addParamDo(floats[float32](out), floats[float32](in[0]), floats[float32](in[1]))
	} else {
		addParamDo(floats[float64](out), floats[float64](in[0]), floats[float64](in[1]))
	}
	return out, nil
}

func addParamDo[T float32 | float64](out, x, p []T) {
	for b := 0; b < len(x); b += len(p) {
		for i, v := range p {
			out[b+i] = x[b+i] + v
		}
	}
}

func (op addParamOp) DiffWRT(inputs int) []bool { return []bool{true, true} }

func (op addParamOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dp, err := G.ApplyOp(sumBatchOp{newOpBase("sum_batch", []int{op.inDims[0]}, op.inDims[1])}, grad)
	return G.Nodes{grad, dp}, err
}

var _ G.SDOp = addParamOp{}

// sumBatchOp is dy (B, …) → Σ_b dy[b] (…), the gradient of add_param's weight.
type sumBatchOp struct{ opBase }

func (op sumBatchOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, op.inDims[0])
	if err != nil {
		return nil, err
	}
	return s[1:].Clone(), nil
}

func (op sumBatchOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := newDense(dt, s[1:]...)
	if dt == tensor.Float32 {
		sumBatchDo(floats[float32](out), floats[float32](in[0]))
	} else {
		sumBatchDo(floats[float64](out), floats[float64](in[0]))
	}
	return out, nil
}

func sumBatchDo[T float32 | float64](out, dy []T) {
	for b := 0; b < len(dy); b += len(out) {
		for i, v := range dy[b : b+len(out)] {
			out[i] += v
		}
	}
}

func (op sumBatchOp) DiffWRT(inputs int) []bool { return []bool{false} }

func (op sumBatchOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("ops: sum_batch: no second derivative")
}

var _ G.SDOp = sumBatchOp{}
