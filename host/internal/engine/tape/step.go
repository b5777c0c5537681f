package tape

import (
	"fmt"

	"dnw/host/internal/engine/ops"
	"dnw/kernels"
	"dnw/sdk/ir"
)

// opAdapt is the step that forms a LoRA layer's adapted weight W + (α/r)·B·A; it
// has no IR op of its own (the engine's gorgonia graph builds it from matmuls).
const opAdapt ir.Op = "lora_adapt"

// step is one IR node (or a LoRA weight) of a plan: its tensors, and what the
// forward pass saves for the backward one.
type step struct {
	node ir.Node
	in   []*Tensor // inputs (for opAdapt: W, A, B)
	par  []*Tensor // weight or scale, bias or shift; nil where absent
	out  *Tensor

	eps        float32
	conv       kernels.ConvShape
	mean, rstd Buffer // norms' statistics
	probs      Buffer // attention's softmax
	mask       Buffer // dropout's
	maskHost   []float32
	bn         *BatchNormStats
	drop       *ops.DropoutState
	rank       int     // opAdapt
	scale      float32 // opAdapt: α/r
}

// reads lists the tensors the step reads: its inputs and parameters.
func (s *step) reads() []*Tensor {
	r := append([]*Tensor(nil), s.in...)
	for _, t := range s.par {
		if t != nil {
			r = append(r, t)
		}
	}
	return r
}

// prepare allocates the step's output and the buffers its op saves, and checks
// the shapes the kernels need. seed seeds a dropout stream.
func (m *Model) prepare(s *step, o Options, seed uint64) error {
	p, n, x := m.prog, s.node, s.in[0]
	xs := x.Shape
	outShape := xs
	a := n.Attrs
	switch n.Op {
	case ir.OpConv2d, ir.OpConv1d:
		w := s.par[0].Shape
		if len(xs) != 4 || len(w) != 4 || w[1] != xs[1] {
			return fmt.Errorf("x %v, w %v: need x (N, C, H, W), w (F, C, KH, KW)", xs, w)
		}
		s.conv = kernels.ConvShape{N: xs[0], C: xs[1], H: xs[2], W: xs[3], F: w[0], KH: w[2], KW: w[3],
			SH: a.Stride, SW: a.Stride, PH: a.Padding, PW: a.Padding}
		if n.Op == ir.OpConv1d {
			s.conv.SH, s.conv.PH = 1, 0
		}
		outShape = []int{xs[0], w[0], s.conv.OutH(), s.conv.OutW()}
	case ir.OpLinear:
		outShape = append(append([]int(nil), xs[:len(xs)-1]...), s.par[0].Shape[0])
	case ir.OpGroupNorm, ir.OpInstanceNorm:
		groups := a.Groups
		if n.Op == ir.OpInstanceNorm {
			groups = xs[1]
		}
		s.mean, s.rstd = p.buffer(xs[0]*groups), p.buffer(xs[0]*groups)
	case ir.OpLayerNorm:
		rows := x.Size() / xs[len(xs)-1]
		s.mean, s.rstd = p.buffer(rows), p.buffer(rows)
	case ir.OpBatchNorm:
		s.mean, s.rstd = p.buffer(xs[1]), p.buffer(xs[1])
		if sh := o.Shared; sh != nil && sh.BatchNorm[n.Name] != nil {
			s.bn = sh.BatchNorm[n.Name]
		} else {
			s.bn = &BatchNormStats{Momentum: 0.1, Mean: p.alloc(o.Prefix+n.Name+".running_mean", []int{xs[1]}),
				Var: p.alloc(o.Prefix+n.Name+".running_var", []int{xs[1]})}
			p.be.Fill(s.bn.Var.Data, 1)
		}
		m.BatchNorm[n.Name] = s.bn
	case ir.OpDropout:
		s.drop = ops.NewDropoutState(p.mode, a.Rate, seed)
		m.Dropout[n.Name] = s.drop
		s.mask, s.maskHost = p.buffer(x.Size()), make([]float32, x.Size())
	case ir.OpUpsample:
		outShape = []int{xs[0], xs[1], xs[2] * a.Scale, xs[3] * a.Scale}
	case ir.OpUpsample1d:
		outShape = []int{xs[0], xs[1], xs[2], xs[3] * a.Scale}
	case ir.OpAvgPool:
		outShape = []int{xs[0], xs[1], xs[2] / a.Scale, xs[3] / a.Scale}
	case ir.OpConcat:
		outShape = append([]int(nil), xs...)
		outShape[1] = 0
		for _, t := range s.in {
			outShape[1] += t.Shape[1]
		}
	case ir.OpToTokens:
		outShape = []int{xs[0], xs[2] * xs[3], xs[1]}
	case ir.OpFromTokens:
		outShape = []int{xs[0], xs[2], a.Height, a.Width}
	case ir.OpAttention:
		s.probs = p.buffer(xs[0] * a.Heads * xs[1] * s.in[1].Shape[1])
	case ir.OpReLU, ir.OpLeakyReLU, ir.OpGELU, ir.OpSiLU, ir.OpTanh, ir.OpSigmoid, ir.OpAdd, ir.OpMul, ir.OpAddParam:
	default:
		return fmt.Errorf("op not supported by the tape engine")
	}
	s.out = p.alloc(o.Prefix+n.Name, outShape)
	return nil
}

// act maps an activation op to its kernel.
func act(op ir.Op) (Act, bool) {
	switch op {
	case ir.OpReLU:
		return ActReLU, true
	case ir.OpLeakyReLU:
		return ActLeakyReLU, true
	case ir.OpGELU:
		return ActGELU, true
	case ir.OpSiLU:
		return ActSiLU, true
	case ir.OpTanh:
		return ActTanh, true
	case ir.OpSigmoid:
		return ActSigmoid, true
	}
	return 0, false
}

// channels lists the channel counts of the step's inputs (concat).
func (s *step) channels() []int {
	cs := make([]int, len(s.in))
	for i, t := range s.in {
		cs[i] = t.Shape[1]
	}
	return cs
}

// data lists the data buffers of tensors.
func data(ts []*Tensor) []Buffer {
	bs := make([]Buffer, len(ts))
	for i, t := range ts {
		bs[i] = t.Data
	}
	return bs
}

// bias is t's data, or nil for an absent parameter.
func bias(t *Tensor) Buffer {
	if t == nil {
		return nil
	}
	return t.Data
}
