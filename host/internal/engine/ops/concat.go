package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// ConcatChannels stacks xs, each (N, C_p, H, W), into (N, Σ C_p, H, W)
// (kernels.ConcatChannels); each input's gradient is its channel range of dy
// (kernels.ChannelRange). It replaces gorgonia's Concat, whose element-by-element
// iterator copy was a tenth of the weight generator's prediction time.
func ConcatChannels(xs ...*G.Node) (*G.Node, error) {
	if len(xs) == 0 {
		return nil, fmt.Errorf("ops: concat: no inputs")
	}
	first := xs[0].Shape()
	channels := make([]int, len(xs))
	for i, x := range xs {
		s := x.Shape()
		if len(s) != 4 || s[0] != first[0] || s[2] != first[2] || s[3] != first[3] {
			return nil, fmt.Errorf("ops: concat: input %d is %v, input 0 is %v: need (N, C, H, W) with equal N, H, W", i, s, first)
		}
		channels[i] = s[1]
	}
	return G.ApplyOp(newConcatOp(channels), xs...)
}

// concatOp stacks inputs of the given channel counts.
type concatOp struct {
	opBase
	channels []int
}

func newConcatOp(channels []int) concatOp {
	dims := make([]int, len(channels))
	for i := range dims {
		dims[i] = 4
	}
	return concatOp{newOpBase("concat_channels", dims, 4, channels), channels}
}

func (op concatOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	return op.outShape(s), nil
}

// outShape is the output's shape for inputs shaped like s but for their channels.
func (op concatOp) outShape(s tensor.Shape) tensor.Shape {
	total := 0
	for _, c := range op.channels {
		total += c
	}
	return tensor.Shape{s[0], total, s[2], s[3]}
}

func (op concatOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := newDense(dt, op.outShape(s)...)
	if dt == tensor.Float32 {
		concatDo[float32](out, in, s, op.channels)
	} else {
		concatDo[float64](out, in, s, op.channels)
	}
	return out, nil
}

func concatDo[T kernels.Float](out *tensor.Dense, in []*tensor.Dense, s tensor.Shape, channels []int) {
	parts := make([][]T, len(in))
	for i, d := range in {
		parts[i] = floats[T](d)
	}
	kernels.ConcatChannels(floats[T](out), s[0], s[2], s[3], parts, channels)
}

func (op concatOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

func (op concatOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	total := output.Shape()[1]
	grads := make(G.Nodes, len(op.channels))
	lo := 0
	for i, c := range op.channels {
		dx, err := G.ApplyOp(newChannelRangeOp(total, lo, lo+c), grad)
		if err != nil {
			return nil, fmt.Errorf("ops: concat gradient: %w", err)
		}
		grads[i], lo = dx, lo+c
	}
	return grads, nil
}

var _ G.SDOp = concatOp{}

// channelRangeOp is dy → dy[:, lo:hi], the gradient of one input of concatOp.
type channelRangeOp struct {
	opBase
	lo, hi int
}

// newChannelRangeOp cuts channels lo…hi−1 of a gradient of total channels (total
// only tells ops of different concatenations apart).
func newChannelRangeOp(total, lo, hi int) channelRangeOp {
	return channelRangeOp{newOpBase("channel_range", []int{4}, 4, total, lo, hi), lo, hi}
}

func (op channelRangeOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.hi - op.lo, s[2], s[3]}, nil
}

func (op channelRangeOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := newDense(dt, s[0], op.hi-op.lo, s[2], s[3])
	if dt == tensor.Float32 {
		kernels.ChannelRange(floats[float32](out), floats[float32](in[0]), s[0], s[1], s[2], s[3], op.lo, op.hi)
	} else {
		kernels.ChannelRange(floats[float64](out), floats[float64](in[0]), s[0], s[1], s[2], s[3], op.lo, op.hi)
	}
	return out, nil
}
