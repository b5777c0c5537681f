package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// AvgPool averages the non-overlapping scale×scale windows of x (N, C, H, W) into
// (N, C, H/scale, W/scale) (kernels.AvgPool, stride = window = scale; scale must divide
// H and W); its gradient spreads dy/scale² over every window (kernels.AvgPoolBackward).
// gorgonia's own AveragePool2D has a wrong backward pass (ENGINEERING.md §3).
func AvgPool(x *G.Node, scale int) (*G.Node, error) {
	if scale < 1 {
		return nil, fmt.Errorf("ops: avg_pool: scale %d, need ≥ 1", scale)
	}
	if xs := x.Shape(); len(xs) != 4 || xs[2]%scale != 0 || xs[3]%scale != 0 {
		return nil, fmt.Errorf("ops: avg_pool: x %v, need (N, C, H, W) with H and W multiples of scale %d", xs, scale)
	}
	return G.ApplyOp(newAvgPoolOp(scale, false), x)
}

// avgPoolOp is x → y (backward false) or dy → dx (backward true).
type avgPoolOp struct {
	opBase
	scale    int
	backward bool
}

func newAvgPoolOp(scale int, backward bool) avgPoolOp {
	name := "avg_pool"
	if backward {
		name = "avg_pool_dx"
	}
	return avgPoolOp{newOpBase(name, []int{4}, 4, scale), scale, backward}
}

// outShape is the output shape for input shape s.
func (op avgPoolOp) outShape(s tensor.Shape) (tensor.Shape, error) {
	if !op.backward {
		if s[2]%op.scale != 0 || s[3]%op.scale != 0 {
			return nil, fmt.Errorf("ops: %s: x %v is not a multiple of scale %d", op.name, s, op.scale)
		}
		return tensor.Shape{s[0], s[1], s[2] / op.scale, s[3] / op.scale}, nil
	}
	return tensor.Shape{s[0], s[1], s[2] * op.scale, s[3] * op.scale}, nil
}

func (op avgPoolOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	return op.outShape(s)
}

func (op avgPoolOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	os, err := op.outShape(in[0].Shape())
	if err != nil {
		return nil, err
	}
	out := newDense(dt, os...)
	if dt == tensor.Float32 {
		avgPoolDo[float32](op, out, in[0])
	} else {
		avgPoolDo[float64](op, out, in[0])
	}
	return out, nil
}

func avgPoolDo[T kernels.Float](op avgPoolOp, out, in *tensor.Dense) {
	if op.backward { // dy (N, C, H/scale, W/scale) → dx (N, C, H, W)
		s := out.Shape()
		kernels.AvgPoolBackward(floats[T](out), floats[T](in), s[0], s[1], s[2], s[3], op.scale)
		return
	}
	s := in.Shape()
	kernels.AvgPool(floats[T](out), floats[T](in), s[0], s[1], s[2], s[3], op.scale)
}

func (op avgPoolOp) DiffWRT(inputs int) []bool { return []bool{!op.backward} }

func (op avgPoolOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.backward {
		return nil, fmt.Errorf("ops: %s: second derivative not implemented", op.name)
	}
	dx, err := G.ApplyOp(newAvgPoolOp(op.scale, true), grad)
	if err != nil {
		return nil, fmt.Errorf("ops: avg_pool gradient: %w", err)
	}
	return G.Nodes{dx}, nil
}

var _ G.SDOp = avgPoolOp{}
