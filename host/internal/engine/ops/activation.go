package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// GELU applies the exact Gaussian error linear unit x·Φ(x) (kernels.GELU, torch's
// default approximate='none') element-wise to x of any shape.
func GELU(x *G.Node) (*G.Node, error) { return applyAct(actGELU, x, 0) }

// SiLU applies the sigmoid linear unit x·σ(x) (kernels.SiLU, torch.nn.SiLU)
// element-wise to x of any shape.
func SiLU(x *G.Node) (*G.Node, error) { return applyAct(actSiLU, x, 0) }

// ReLU applies max(x, 0) (kernels.ReLU) element-wise to x of any shape. It and
// LeakyReLU replace gorgonia's versions, which build comparison masks and products
// of several element-wise ops (a tenth of a discriminator step in the profile).
func ReLU(x *G.Node) (*G.Node, error) { return applyAct(actReLU, x, 0) }

// LeakyReLU applies x if x > 0 else slope·x (kernels.LeakyReLU) element-wise to x of
// any shape.
func LeakyReLU(x *G.Node, slope float64) (*G.Node, error) { return applyAct(actLeakyReLU, x, slope) }

// actKind selects an element-wise activation.
type actKind int

const (
	actGELU actKind = iota
	actSiLU
	actReLU
	actLeakyReLU
)

func (k actKind) String() string {
	return [...]string{"gelu", "silu", "relu", "leaky_relu"}[k]
}

func applyAct(k actKind, x *G.Node, slope float64) (*G.Node, error) {
	rank := len(x.Shape())
	if rank == 0 {
		return nil, fmt.Errorf("ops: %v: x is a scalar, need a tensor", k)
	}
	return G.ApplyOp(actOp{newOpBase(k.String(), []int{rank}, rank, slope), k, slope}, x)
}

// actOp: x → act(x), same shape.
type actOp struct {
	opBase
	kind  actKind
	slope float64 // leaky_relu
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
		actDo[float32](op.kind, op.slope, out, in[0])
	} else {
		actDo[float64](op.kind, op.slope, out, in[0])
	}
	return out, nil
}

func actDo[T kernels.Float](k actKind, slope float64, out, x *tensor.Dense) {
	switch k {
	case actGELU:
		kernels.GELU(floats[T](out), floats[T](x))
	case actSiLU:
		kernels.SiLU(floats[T](out), floats[T](x))
	case actReLU:
		kernels.ReLU(floats[T](out), floats[T](x))
	case actLeakyReLU:
		kernels.LeakyReLU(floats[T](out), floats[T](x), T(slope))
	}
}

func (op actOp) DiffWRT(inputs int) []bool { return []bool{true} }

func (op actOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	rank := op.inDims[0]
	back := actBackOp{newOpBase(op.kind.String()+"_dx", []int{rank, rank}, rank, op.slope), op.kind, op.slope}
	dx, err := G.ApplyOp(back, inputs[0], grad)
	if err != nil {
		return nil, fmt.Errorf("ops: %v gradient: %w", op.kind, err)
	}
	return G.Nodes{dx}, nil
}

// actBackOp: (x, dy) → dx, by the activation's backward kernel.
type actBackOp struct {
	opBase
	kind  actKind
	slope float64
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
		actBackDo[float32](op.kind, op.slope, out, in[0], in[1])
	} else {
		actBackDo[float64](op.kind, op.slope, out, in[0], in[1])
	}
	return out, nil
}

func actBackDo[T kernels.Float](k actKind, slope float64, dx, x, dy *tensor.Dense) {
	switch k {
	case actGELU:
		kernels.GELUBackward(floats[T](dx), floats[T](dy), floats[T](x))
	case actSiLU:
		kernels.SiLUBackward(floats[T](dx), floats[T](dy), floats[T](x))
	case actReLU:
		kernels.ReLUBackward(floats[T](dx), floats[T](dy), floats[T](x))
	case actLeakyReLU:
		kernels.LeakyReLUBackward(floats[T](dx), floats[T](dy), floats[T](x), T(slope))
	}
}

var (
	_ G.SDOp = actOp{}
	_ G.Op   = actBackOp{}
)
