package ops

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// The token ops of the IR: gorgonia's reshape around a transpose of the last two
// axes (kernels.Transpose). gorgonia's own Transpose walked an element iterator and
// was 7% of the weight generator's prediction time.

// ToTokens turns an image batch x (B, C, H, W) into tokens (B, H·W, C).
func ToTokens(x *G.Node) (*G.Node, error) {
	s := x.Shape()
	flat, err := G.Reshape(x, tensor.Shape{s[0], s[1], s[2] * s[3]})
	if err != nil {
		return nil, err
	}
	return transposeLast(flat)
}

// FromTokens turns tokens x (B, H·W, C) back into an image batch (B, C, H, W).
func FromTokens(x *G.Node, height, width int) (*G.Node, error) {
	s := x.Shape()
	t, err := transposeLast(x)
	if err != nil {
		return nil, err
	}
	return G.Reshape(t, tensor.Shape{s[0], s[2], height, width})
}

// transposeLast is x (B, R, C) → (B, C, R).
func transposeLast(x *G.Node) (*G.Node, error) {
	return G.ApplyOp(transposeOp{newOpBase("transpose_last", []int{3}, 3)}, x)
}

// transposeOp is (B, R, C) → (B, C, R); its gradient is the same op on dy.
type transposeOp struct{ opBase }

func (op transposeOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 3)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], s[2], s[1]}, nil
}

func (op transposeOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := newDense(dt, s[0], s[2], s[1])
	if dt == tensor.Float32 {
		kernels.Transpose(floats[float32](out), floats[float32](in[0]), s[0], s[1], s[2])
	} else {
		kernels.Transpose(floats[float64](out), floats[float64](in[0]), s[0], s[1], s[2])
	}
	return out, nil
}

func (op transposeOp) DiffWRT(inputs int) []bool { return []bool{true} }

func (op transposeOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(op, grad)
	return G.Nodes{dx}, err
}

var _ G.SDOp = transposeOp{}
