package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// UpsampleNearest enlarges x (N, C, H, W) to (N, C, H·scale, W·scale) by
// nearest-neighbour sampling (kernels.UpsampleNearest); its gradient sums every
// scale×scale block of dy (kernels.UpsampleNearestBackward).
func UpsampleNearest(x *G.Node, scale int) (*G.Node, error) {
	if scale < 1 {
		return nil, fmt.Errorf("ops: upsample_nearest: scale %d, need ≥ 1", scale)
	}
	if xs := x.Shape(); len(xs) != 4 {
		return nil, fmt.Errorf("ops: upsample_nearest: x %v, need (N, C, H, W)", xs)
	}
	return G.ApplyOp(newUpsampleOp(scale, false), x)
}

// upsampleOp is x → y (backward false) or dy → dx (backward true).
type upsampleOp struct {
	opBase
	scale    int
	backward bool
}

func newUpsampleOp(scale int, backward bool) upsampleOp {
	name := "upsample_nearest"
	if backward {
		name = "upsample_nearest_dx"
	}
	return upsampleOp{newOpBase(name, []int{4}, 4, scale), scale, backward}
}

// outShape is the output shape for input shape s.
func (op upsampleOp) outShape(s tensor.Shape) (tensor.Shape, error) {
	if op.backward {
		if s[2]%op.scale != 0 || s[3]%op.scale != 0 {
			return nil, fmt.Errorf("ops: %s: dy %v is not a multiple of scale %d", op.name, s, op.scale)
		}
		return tensor.Shape{s[0], s[1], s[2] / op.scale, s[3] / op.scale}, nil
	}
	return tensor.Shape{s[0], s[1], s[2] * op.scale, s[3] * op.scale}, nil
}

func (op upsampleOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	return op.outShape(s)
}

func (op upsampleOp) Do(inputs ...G.Value) (G.Value, error) {
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
		upsampleDo[float32](op, out, in[0])
	} else {
		upsampleDo[float64](op, out, in[0])
	}
	return out, nil
}

func upsampleDo[T kernels.Float](op upsampleOp, out, in *tensor.Dense) {
	if op.backward {
		s := out.Shape()
		kernels.UpsampleNearestBackward(floats[T](out), floats[T](in), s[0], s[1], s[2], s[3], op.scale)
		return
	}
	s := in.Shape()
	kernels.UpsampleNearest(floats[T](out), floats[T](in), s[0], s[1], s[2], s[3], op.scale)
}

func (op upsampleOp) DiffWRT(inputs int) []bool { return []bool{!op.backward} }

func (op upsampleOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.backward {
		return nil, fmt.Errorf("ops: %s: second derivative not implemented", op.name)
	}
	dx, err := G.ApplyOp(newUpsampleOp(op.scale, true), grad)
	if err != nil {
		return nil, fmt.Errorf("ops: upsample_nearest gradient: %w", err)
	}
	return G.Nodes{dx}, nil
}

var _ G.SDOp = upsampleOp{}
