package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// GELU applies the exact Gaussian error linear unit x·Φ(x) (kernels.GELU, torch's
// default approximate='none') element-wise to x of any shape.
func GELU(x *G.Node) (*G.Node, error) { return applyAct(actGELU, x) }

// SiLU applies the sigmoid linear unit x·σ(x) (kernels.SiLU, torch.nn.SiLU)
// element-wise to x of any shape.
func SiLU(x *G.Node) (*G.Node, error) { return applyAct(actSiLU, x) }

// actKind selects an element-wise activation.
type actKind int

const (
	actGELU actKind = iota
	actSiLU
)

func (k actKind) String() string {
	if k == actGELU {
		return "gelu"
	}
	return "silu"
}

func applyAct(k actKind, x *G.Node) (*G.Node, error) {
	rank := len(x.Shape())
	if rank == 0 {
		return nil, fmt.Errorf("ops: %v: x is a scalar, need a tensor", k)
	}
	return G.ApplyOp(actOp{newOpBase(k.String(), []int{rank}, rank), k}, x)
}

// actOp: x → act(x), same shape.
type actOp struct {
	opBase
	kind actKind
}

func (op actOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, op.inDims[0])
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

func (op actOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[0].Shape()...)
	if dt == tensor.Float32 {
		actDo[float32](op.kind, out, in[0])
	} else {
		actDo[float64](op.kind, out, in[0])
	}
	return out, nil
}

func actDo[T kernels.Float](k actKind, out, x *tensor.Dense) {
	if k == actGELU {
		kernels.GELU(floats[T](out), floats[T](x))
	} else {
		kernels.SiLU(floats[T](out), floats[T](x))
	}
}

func (op actOp) DiffWRT(inputs int) []bool { return []bool{true} }

func (op actOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	rank := op.inDims[0]
	back := actBackOp{newOpBase(op.kind.String()+"_dx", []int{rank, rank}, rank), op.kind}
	dx, err := G.ApplyOp(back, inputs[0], grad)
	if err != nil {
		return nil, fmt.Errorf("ops: %v gradient: %w", op.kind, err)
	}
	return G.Nodes{dx}, nil
}

// actBackOp: (x, dy) → dx, by kernels.GELUBackward or kernels.SiLUBackward.
type actBackOp struct {
	opBase
	kind actKind
}

func (op actBackOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, op.inDims[0])
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

func (op actBackOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[0].Shape()...)
	if dt == tensor.Float32 {
		actBackDo[float32](op.kind, out, in[0], in[1])
	} else {
		actBackDo[float64](op.kind, out, in[0], in[1])
	}
	return out, nil
}

func actBackDo[T kernels.Float](k actKind, dx, x, dy *tensor.Dense) {
	if k == actGELU {
		kernels.GELUBackward(floats[T](dx), floats[T](dy), floats[T](x))
	} else {
		kernels.SiLUBackward(floats[T](dx), floats[T](dy), floats[T](x))
	}
}

var (
	_ G.SDOp = actOp{}
	_ G.Op   = actBackOp{}
)
