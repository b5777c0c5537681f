//go:build dnw_cuda

package tape

import (
	"dnw/kernels"
	"dnw/kernels/cuda"
)

// gpu is the Backend on a CUDA stream (dnw/kernels/cuda), method for method.
type gpu struct{ s *cuda.Stream }

func openCUDA(ordinal int) (Backend, error) {
	s, err := cuda.Open(ordinal)
	if err != nil {
		return nil, err
	}
	return gpu{s}, nil
}

// d is the device buffer of b (nil for nil).
func d(b Buffer) *cuda.Buffer {
	if b == nil {
		return nil
	}
	return b.(*cuda.Buffer)
}

func ds(bs []Buffer) []*cuda.Buffer {
	out := make([]*cuda.Buffer, len(bs))
	for i, b := range bs {
		out[i] = d(b)
	}
	return out
}

func (g gpu) Name() string                       { return g.s.Name() }
func (g gpu) Alloc(n int) Buffer                 { return g.s.Alloc(n) }
func (g gpu) Free(b Buffer)                      { g.s.Free(d(b)) }
func (g gpu) Upload(dst Buffer, src []float32)   { g.s.Upload(d(dst), src) }
func (g gpu) Download(dst []float32, src Buffer) { g.s.Download(dst, d(src)) }
func (g gpu) Sync() error                        { return g.s.Sync() }
func (g gpu) Close()                             { g.s.Close() }
func (g gpu) Copy(dst Buffer, off int, src Buffer) {
	g.s.Copy(d(dst), off, d(src))
}
func (g gpu) Fill(dst Buffer, v float32)              { g.s.Fill(d(dst), v) }
func (g gpu) Axpy(dst Buffer, a float32, x Buffer)    { g.s.Axpy(d(dst), a, d(x)) }
func (g gpu) Add(dst, a, b Buffer)                    { g.s.Add(d(dst), d(a), d(b)) }
func (g gpu) Mul(dst, a, b Buffer)                    { g.s.Mul(d(dst), d(a), d(b)) }
func (g gpu) AddBatch(dst, x, p Buffer)               { g.s.AddBatch(d(dst), d(x), d(p)) }
func (g gpu) SumBatch(dst, x Buffer)                  { g.s.SumBatch(d(dst), d(x)) }
func (g gpu) Act(k Act, slope float32, dst, x Buffer) { g.s.Act(int(k), slope, d(dst), d(x)) }
func (g gpu) ActBackward(k Act, slope float32, dx, dy, xy Buffer) {
	g.s.ActBackward(int(k), slope, d(dx), d(dy), d(xy))
}
func (g gpu) Gemm(ta, tb bool, m, n, k int, alpha float32, a, b Buffer, beta float32, c Buffer) {
	g.s.Gemm(ta, tb, m, n, k, alpha, d(a), d(b), beta, d(c))
}
func (g gpu) Conv2d(dst, x, w, bias Buffer, s kernels.ConvShape) {
	g.s.Conv2d(d(dst), d(x), d(w), d(bias), s)
}
func (g gpu) Conv2dBackwardData(dx, dy, w Buffer, s kernels.ConvShape) {
	g.s.Conv2dBackwardData(d(dx), d(dy), d(w), s)
}
func (g gpu) Conv2dBackwardFilter(dw, dbias, dy, x Buffer, s kernels.ConvShape) {
	g.s.Conv2dBackwardFilter(d(dw), d(dbias), d(dy), d(x), s)
}
func (g gpu) Linear(dst, x, w, b Buffer, rows, in, out int) {
	g.s.Linear(d(dst), d(x), d(w), d(b), rows, in, out)
}
func (g gpu) LinearBackwardData(dx, dy, w Buffer, rows, in, out int) {
	g.s.LinearBackwardData(d(dx), d(dy), d(w), rows, in, out)
}
func (g gpu) LinearBackwardWeight(dw, db, dy, x Buffer, rows, in, out int) {
	g.s.LinearBackwardWeight(d(dw), d(db), d(dy), d(x), rows, in, out)
}
func (g gpu) GroupNorm(dst, mean, rstd, x, gamma, beta Buffer, n, c, hw, groups int, eps float32) {
	g.s.GroupNorm(d(dst), d(mean), d(rstd), d(x), d(gamma), d(beta), n, c, hw, groups, eps)
}
func (g gpu) GroupNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma Buffer, n, c, hw, groups int) {
	g.s.GroupNormBackward(d(dx), d(dgamma), d(dbeta), d(dy), d(x), d(mean), d(rstd), d(gamma), n, c, hw, groups)
}
func (g gpu) BatchNorm(dst, mean, rstd, x, gamma, beta Buffer, n, c, hw int, eps float32) {
	g.s.BatchNorm(d(dst), d(mean), d(rstd), d(x), d(gamma), d(beta), n, c, hw, eps)
}
func (g gpu) BatchNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma Buffer, n, c, hw int) {
	g.s.BatchNormBackward(d(dx), d(dgamma), d(dbeta), d(dy), d(x), d(mean), d(rstd), d(gamma), n, c, hw)
}
func (g gpu) BatchNormUpdate(runMean, runVar, mean, rstd Buffer, momentum, eps float64, count int) {
	g.s.BatchNormUpdate(d(runMean), d(runVar), d(mean), d(rstd), momentum, eps, count)
}
func (g gpu) BatchNormEval(dst, x, runMean, runVar, gamma, beta Buffer, n, c, hw int, eps float32) {
	g.s.BatchNormEval(d(dst), d(x), d(runMean), d(runVar), d(gamma), d(beta), n, c, hw, eps)
}
func (g gpu) UpsampleNearest(dst, x Buffer, n, c, h, w, sh, sw int) {
	g.s.UpsampleNearest(d(dst), d(x), n, c, h, w, sh, sw)
}
func (g gpu) UpsampleNearestBackward(dx, dy Buffer, n, c, h, w, sh, sw int) {
	g.s.UpsampleNearestBackward(d(dx), d(dy), n, c, h, w, sh, sw)
}
func (g gpu) AvgPool(dst, x Buffer, n, c, h, w, scale int) {
	g.s.AvgPool(d(dst), d(x), n, c, h, w, scale)
}
func (g gpu) AvgPoolBackward(dx, dy Buffer, n, c, h, w, scale int) {
	g.s.AvgPoolBackward(d(dx), d(dy), n, c, h, w, scale)
}
func (g gpu) ConcatChannels(dst Buffer, parts []Buffer, n, h, w int, channels []int) {
	g.s.ConcatChannels(d(dst), ds(parts), n, h, w, channels)
}
func (g gpu) SplitChannels(dsts []Buffer, dy Buffer, n, h, w int, channels []int) {
	g.s.SplitChannels(ds(dsts), d(dy), n, h, w, channels)
}
func (g gpu) Transpose(dst, x Buffer, batch, rows, cols int) {
	g.s.Transpose(d(dst), d(x), batch, rows, cols)
}
func (g gpu) Attention(dst, probs, q, k, v Buffer, b, n, m, dd, heads int) {
	g.s.Attention(d(dst), d(probs), d(q), d(k), d(v), b, n, m, dd, heads)
}
func (g gpu) AttentionBackward(dq, dk, dv, dy, q, k, v, probs Buffer, b, n, m, dd, heads int) {
	g.s.AttentionBackward(d(dq), d(dk), d(dv), d(dy), d(q), d(k), d(v), d(probs), b, n, m, dd, heads)
}
func (g gpu) LossTerms(kind Loss, val, grad, x, y, w Buffer, scale float32) {
	g.s.LossTerms(int(kind), d(val), d(grad), d(x), d(y), d(w), scale)
}
func (g gpu) Sum(dst, x Buffer) { g.s.Sum(d(dst), d(x)) }
func (g gpu) AdamW(p, m, v, gr Buffer, t int, lr, beta1, beta2, eps, wd float64) {
	g.s.AdamW(d(p), d(m), d(v), d(gr), t, lr, beta1, beta2, eps, wd)
}
func (g gpu) EMA(avg, p Buffer, decay float32) { g.s.EMA(d(avg), d(p), decay) }

var _ Backend = gpu{}
