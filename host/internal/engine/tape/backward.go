package tape

import "dnw/sdk/ir"

// backward adds the step's contributions to the gradients of the inputs and
// parameters the program differentiates, from its output's gradient.
func (s *step) backward(p *program) {
	be, x, dy, a := p.be, s.in[0], s.out.grad, s.node.Attrs
	xs := x.Shape
	if k, ok := act(s.node.Op); ok {
		xy := x.Data
		if k == ActTanh || k == ActSigmoid {
			xy = s.out.Data
		}
		p.into(x, func(dx Buffer) { be.ActBackward(k, float32(a.Slope), dx, dy, xy) })
		return
	}
	switch s.node.Op {
	case opAdapt: // dB = s·dW'·Aᵀ, dA = s·Bᵀ·dW' (W is frozen)
		w, la, lb := s.in[0], s.in[1], s.in[2]
		f := w.Shape[0]
		in := w.Size() / f
		p.into(lb, func(db Buffer) { be.Gemm(false, true, f, s.rank, in, s.scale, dy, la.Data, 0, db) })
		p.into(la, func(da Buffer) { be.Gemm(true, false, s.rank, in, f, s.scale, lb.Data, dy, 0, da) })
	case ir.OpConv2d, ir.OpConv1d:
		w, b := s.par[0], s.par[1]
		p.into(x, func(dx Buffer) { be.Conv2dBackwardData(dx, dy, w.Data, s.conv) })
		if p.wants(w) || p.wants(b) {
			p.intoOpt(w, b, func(dw, db Buffer) { be.Conv2dBackwardFilter(dw, db, dy, x.Data, s.conv) })
		}
	case ir.OpLinear:
		w, b := s.par[0], s.par[1]
		in, out := xs[len(xs)-1], w.Shape[0]
		rows := x.Size() / in
		p.into(x, func(dx Buffer) { be.LinearBackwardData(dx, dy, w.Data, rows, in, out) })
		if p.wants(w) || p.wants(b) {
			p.intoOpt(w, b, func(dw, db Buffer) { be.LinearBackwardWeight(dw, db, dy, x.Data, rows, in, out) })
		}
	case ir.OpGroupNorm, ir.OpInstanceNorm, ir.OpLayerNorm:
		n, c, hw, groups := xs[0], xs[1], x.Size()/(xs[0]*xs[1]), s.mean.Len()/xs[0]
		if s.node.Op == ir.OpLayerNorm {
			c = xs[len(xs)-1]
			n, hw, groups = x.Size()/c, 1, 1
		}
		s.normBackward(p, func(dx, dg, db Buffer) {
			be.GroupNormBackward(dx, dg, db, dy, x.Data, s.mean, s.rstd, s.par[0].Data, n, c, hw, groups)
		})
	case ir.OpBatchNorm:
		if !p.mode.Training {
			panic("tape: batch_norm's backward pass in evaluation mode") // no training loop differentiates in evaluation
		}
		n, c := xs[0], xs[1]
		s.normBackward(p, func(dx, dg, db Buffer) {
			be.BatchNormBackward(dx, dg, db, dy, x.Data, s.mean, s.rstd, s.par[0].Data, n, c, x.Size()/(n*c))
		})
	case ir.OpDropout:
		if !p.mode.Training || a.Rate == 0 {
			p.into(x, func(dx Buffer) { be.Copy(dx, 0, dy) })
			return
		}
		p.into(x, func(dx Buffer) { be.Mul(dx, dy, s.mask) })
	case ir.OpUpsample:
		p.into(x, func(dx Buffer) { be.UpsampleNearestBackward(dx, dy, xs[0], xs[1], xs[2], xs[3], a.Scale, a.Scale) })
	case ir.OpUpsample1d:
		p.into(x, func(dx Buffer) { be.UpsampleNearestBackward(dx, dy, xs[0], xs[1], xs[2], xs[3], 1, a.Scale) })
	case ir.OpAvgPool:
		p.into(x, func(dx Buffer) { be.AvgPoolBackward(dx, dy, xs[0], xs[1], xs[2], xs[3], a.Scale) })
	case ir.OpConcat:
		dsts := make([]Buffer, len(s.in))
		for i, t := range s.in {
			if p.wants(t) {
				dsts[i] = p.gradInto(t)
			}
		}
		be.SplitChannels(dsts, dy, xs[0], xs[2], xs[3], s.channels())
		for i, t := range s.in {
			if dsts[i] != nil {
				p.commit(t, dsts[i])
			}
		}
	case ir.OpAdd:
		for _, t := range s.in {
			p.into(t, func(dx Buffer) { be.Copy(dx, 0, dy) })
		}
	case ir.OpMul:
		p.into(s.in[0], func(dx Buffer) { be.Mul(dx, dy, s.in[1].Data) })
		p.into(s.in[1], func(dx Buffer) { be.Mul(dx, dy, s.in[0].Data) })
	case ir.OpAddParam:
		p.into(x, func(dx Buffer) { be.Copy(dx, 0, dy) })
		p.into(s.par[0], func(dp Buffer) { be.SumBatch(dp, dy) })
	case ir.OpToTokens: // dy (B, HW, C) → dx (B, C, HW)
		p.into(x, func(dx Buffer) { be.Transpose(dx, dy, xs[0], xs[2]*xs[3], xs[1]) })
	case ir.OpFromTokens: // dy (B, C, N) → dx (B, N, C)
		p.into(x, func(dx Buffer) { be.Transpose(dx, dy, xs[0], xs[2], xs[1]) })
	case ir.OpAttention:
		q, k, v := s.in[0], s.in[1], s.in[2]
		if !p.wants(q) && !p.wants(k) && !p.wants(v) {
			return
		}
		dq, dk, dv := p.gradOrTemp(q), p.gradOrTemp(k), p.gradOrTemp(v)
		be.AttentionBackward(dq, dk, dv, dy, q.Data, k.Data, v.Data, s.probs, q.Shape[0], q.Shape[1], k.Shape[1], q.Shape[2], a.Heads)
		p.commitOrDrop(q, dq)
		p.commitOrDrop(k, dk)
		p.commitOrDrop(v, dv)
	default:
		panic("tape: backward of " + string(s.node.Op))
	}
}

// normBackward runs a norm's backward kernel into the gradients of x, the scale
// and the shift that the program wants (the kernel needs a dx buffer even when x
// needs none, and skips a nil dgamma or dbeta).
func (s *step) normBackward(p *program, kernel func(dx, dgamma, dbeta Buffer)) {
	x, g, b := s.in[0], s.par[0], s.par[1]
	if !p.wants(x) && !p.wants(g) && !p.wants(b) {
		return
	}
	dx := p.gradOrTemp(x)
	var dg, db Buffer
	if p.wants(g) {
		dg = p.gradInto(g)
	}
	if p.wants(b) {
		db = p.gradInto(b)
	}
	kernel(dx, dg, db)
	p.commitOrDrop(x, dx)
	if dg != nil {
		p.commit(g, dg)
	}
	if db != nil {
		p.commit(b, db)
	}
}
