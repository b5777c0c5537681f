package tape

import "dnw/sdk/ir"

// forward runs the step's op on its inputs into its output.
func (s *step) forward(p *program) {
	be, x, y, a := p.be, s.in[0], s.out, s.node.Attrs
	xs := x.Shape
	if k, ok := act(s.node.Op); ok {
		be.Act(k, float32(a.Slope), y.Data, x.Data)
		return
	}
	switch s.node.Op {
	case opAdapt: // W' = W + (α/r)·B·A, with A (r, in) and B (F, r)
		w, la, lb := s.in[0], s.in[1], s.in[2]
		f := w.Shape[0]
		be.Copy(y.Data, 0, w.Data)
		be.Gemm(false, false, f, w.Size()/f, s.rank, s.scale, lb.Data, la.Data, 1, y.Data)
	case ir.OpConv2d, ir.OpConv1d:
		be.Conv2d(y.Data, x.Data, s.par[0].Data, bias(s.par[1]), s.conv)
	case ir.OpLinear:
		in, out := xs[len(xs)-1], s.par[0].Shape[0]
		be.Linear(y.Data, x.Data, s.par[0].Data, bias(s.par[1]), x.Size()/in, in, out)
	case ir.OpGroupNorm, ir.OpInstanceNorm:
		n, c := xs[0], xs[1]
		be.GroupNorm(y.Data, s.mean, s.rstd, x.Data, s.par[0].Data, s.par[1].Data, n, c, x.Size()/(n*c), s.mean.Len()/n, s.eps)
	case ir.OpLayerNorm:
		d := xs[len(xs)-1]
		be.GroupNorm(y.Data, s.mean, s.rstd, x.Data, s.par[0].Data, s.par[1].Data, x.Size()/d, d, 1, 1, s.eps)
	case ir.OpBatchNorm:
		n, c := xs[0], xs[1]
		hw := x.Size() / (n * c)
		if !p.mode.Training {
			be.BatchNormEval(y.Data, x.Data, s.bn.Mean.Data, s.bn.Var.Data, s.par[0].Data, s.par[1].Data, n, c, hw, s.eps)
			return
		}
		be.BatchNorm(y.Data, s.mean, s.rstd, x.Data, s.par[0].Data, s.par[1].Data, n, c, hw, s.eps)
		be.BatchNormUpdate(s.bn.Mean.Data, s.bn.Var.Data, s.mean, s.rstd, s.bn.Momentum, float64(s.eps), n*hw)
	case ir.OpDropout:
		if !p.mode.Training || a.Rate == 0 {
			be.Copy(y.Data, 0, x.Data)
			return
		}
		for i, v := range s.drop.Draw(x.Size()) { // the CPU engine's stream, so both drop alike
			s.maskHost[i] = float32(v)
		}
		be.Upload(s.mask, s.maskHost)
		be.Mul(y.Data, x.Data, s.mask)
	case ir.OpUpsample:
		be.UpsampleNearest(y.Data, x.Data, xs[0], xs[1], xs[2], xs[3], a.Scale, a.Scale)
	case ir.OpUpsample1d:
		be.UpsampleNearest(y.Data, x.Data, xs[0], xs[1], xs[2], xs[3], 1, a.Scale)
	case ir.OpAvgPool:
		be.AvgPool(y.Data, x.Data, xs[0], xs[1], xs[2], xs[3], a.Scale)
	case ir.OpConcat:
		be.ConcatChannels(y.Data, data(s.in), xs[0], xs[2], xs[3], s.channels())
	case ir.OpAdd:
		be.Add(y.Data, x.Data, s.in[1].Data)
	case ir.OpMul:
		be.Mul(y.Data, x.Data, s.in[1].Data)
	case ir.OpAddParam:
		be.AddBatch(y.Data, x.Data, s.par[0].Data)
	case ir.OpToTokens: // (B, C, HW) → (B, HW, C)
		be.Transpose(y.Data, x.Data, xs[0], xs[1], xs[2]*xs[3])
	case ir.OpFromTokens: // (B, N, C) → (B, C, N)
		be.Transpose(y.Data, x.Data, xs[0], xs[1], xs[2])
	case ir.OpAttention:
		q, k := s.in[0], s.in[1]
		be.Attention(y.Data, s.probs, q.Data, k.Data, s.in[2].Data, q.Shape[0], q.Shape[1], k.Shape[1], q.Shape[2], a.Heads)
	default:
		panic("tape: forward of " + string(s.node.Op)) // prepare refused it
	}
}
