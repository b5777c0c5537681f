package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// The resize ops of the IR, nearest upsampling (upsample, upsample1d) and average
// pooling, change H and W of (N, C, H, W) by integer factors (upsampling's may differ
// between rows and columns); each one's backward pass changes them the other way, so
// one op type serves both, in both directions.
const (
	upsampleNearest = "upsample_nearest"
	avgPool         = "avg_pool"
)

// resizeOp is x → y (backward false) or dy → dx (backward true) of kind
// upsampleNearest or avgPool.
type resizeOp struct {
	opBase
	kind     string
	sh, sw   int // factors along H and W; equal for avgPool
	backward bool
}

func newResizeOp(kind string, sh, sw int, backward bool) resizeOp {
	name := kind
	if backward {
		name += "_dx"
	}
	return resizeOp{newOpBase(name, []int{4}, 4, sh, sw), kind, sh, sw, backward}
}

// shrinks reports whether the op divides H and W by scale: average pooling forward,
// and upsampling's backward pass.
func (op resizeOp) shrinks() bool { return (op.kind == avgPool) != op.backward }

// outShape is the output shape for input shape s.
func (op resizeOp) outShape(s tensor.Shape) (tensor.Shape, error) {
	if !op.shrinks() {
		return tensor.Shape{s[0], s[1], s[2] * op.sh, s[3] * op.sw}, nil
	}
	if s[2]%op.sh != 0 || s[3]%op.sw != 0 {
		return nil, fmt.Errorf("ops: %s: input %v is not a multiple of the scales %d×%d", op.name, s, op.sh, op.sw)
	}
	return tensor.Shape{s[0], s[1], s[2] / op.sh, s[3] / op.sw}, nil
}

func (op resizeOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	return op.outShape(s)
}

func (op resizeOp) Do(inputs ...G.Value) (G.Value, error) {
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
		resizeDo[float32](op, out, in[0])
	} else {
		resizeDo[float64](op, out, in[0])
	}
	return out, nil
}

// resizeDo calls the kernel. Every kernel takes the dimensions of the x side: the
// input's for a forward pass, the output's (dx) for a backward one.
func resizeDo[T kernels.Float](op resizeOp, out, in *tensor.Dense) {
	s := in.Shape()
	if op.backward {
		s = out.Shape()
	}
	dst, src := floats[T](out), floats[T](in)
	switch {
	case op.kind == upsampleNearest && !op.backward:
		kernels.UpsampleNearest(dst, src, s[0], s[1], s[2], s[3], op.sh, op.sw)
	case op.kind == upsampleNearest:
		kernels.UpsampleNearestBackward(dst, src, s[0], s[1], s[2], s[3], op.sh, op.sw)
	case !op.backward:
		kernels.AvgPool(dst, src, s[0], s[1], s[2], s[3], op.sh)
	default:
		kernels.AvgPoolBackward(dst, src, s[0], s[1], s[2], s[3], op.sh)
	}
}

func (op resizeOp) DiffWRT(inputs int) []bool { return []bool{!op.backward} }

func (op resizeOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if op.backward {
		return nil, fmt.Errorf("ops: %s: second derivative not implemented", op.name)
	}
	dx, err := G.ApplyOp(newResizeOp(op.kind, op.sh, op.sw, true), grad)
	if err != nil {
		return nil, fmt.Errorf("ops: %s gradient: %w", op.kind, err)
	}
	return G.Nodes{dx}, nil
}

var _ G.SDOp = resizeOp{}
