package ops

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// normGrad is what the norms' gradient ops share: (x, dy, …) → dx shaped like x
// (N, C, H, W), or dgamma (C) when dgamma is set.
type normGrad struct {
	opBase
	dgamma bool
}

func (op normGrad) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	if op.dgamma {
		return tensor.Shape{s[1]}, nil
	}
	return s.Clone(), nil
}

// output allocates the gradient for an x of shape s.
func (op normGrad) output(dt tensor.Dtype, s tensor.Shape) *tensor.Dense {
	if op.dgamma {
		return newDense(dt, s[1])
	}
	return newDense(dt, s...)
}
