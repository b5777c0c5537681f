//go:build dnw_cuda

package cuda

import (
	"fmt"
	"math"

	"dnw/kernels"
)

// This file is package kernels' API on a Stream: each function queues the CUDA
// kernels (or cuBLAS products) that compute what its namesake in package kernels
// computes, on device buffers. Activations and losses are numbered as the engine's
// tape.Act and tape.Loss.

func n(b *Buffer) int {
	if b == nil {
		return 0
	}
	return b.n
}

// Axpy is dst += a·x.
func (s *Stream) Axpy(dst *Buffer, a float32, x *Buffer) {
	need("Axpy", x.n, dst.n)
	s.launch("axpy", dst.n, dst, a, x, dst.n)
}

// Add is kernels.Add.
func (s *Stream) Add(dst, a, b *Buffer) {
	need("Add", a.n, dst.n)
	need("Add", b.n, dst.n)
	s.launch("add", dst.n, dst, a, b, dst.n)
}

// Mul is dst = a ⊙ b.
func (s *Stream) Mul(dst, a, b *Buffer) {
	need("Mul", a.n, dst.n)
	need("Mul", b.n, dst.n)
	s.launch("mul", dst.n, dst, a, b, dst.n)
}

// AddBatch is dst[b, i] = x[b, i] + p[i].
func (s *Stream) AddBatch(dst, x, p *Buffer) {
	need("AddBatch", x.n, dst.n)
	if p.n == 0 || x.n%p.n != 0 {
		panic(fmt.Sprintf("cuda: AddBatch: %d values per sample do not divide %d", p.n, x.n))
	}
	s.launch("add_batch", dst.n, dst, x, p, dst.n, p.n)
}

// SumBatch is dst[i] = Σ_b x[b, i].
func (s *Stream) SumBatch(dst, x *Buffer) {
	if dst.n == 0 || x.n%dst.n != 0 {
		panic(fmt.Sprintf("cuda: SumBatch: %d values per sample do not divide %d", dst.n, x.n))
	}
	s.columnSum(dst, x, x.n/dst.n, dst.n)
}

// columnSum is d[j] = Σ_r x[r, j] over x (rows, cols): the product of a row of
// ones with x, by cuBLAS, which reads x in order (a block per column reading a
// column of x touches a memory sector per value).
func (s *Stream) columnSum(d, x *Buffer, rows, cols int) {
	s.gemm(false, false, 1, cols, rows, 1, s.ones(rows), 0, rows, x, 0, cols, 0, d, 0, cols)
}

// ones returns a buffer of at least n ones (scratch buffer 3).
func (s *Stream) ones(n int) *Buffer {
	if w := s.work[3]; w != nil && w.n >= n {
		return w
	}
	b := s.scratch(3, n)
	s.Fill(b, 1)
	return b
}

// reduceThreads is REDUCE_THREADS of common.cuh: the block size of the kernels that
// reduce a row, a channel or a group per block.
const reduceThreads = 256

// Act is kernels' activation kind on x into dst.
func (s *Stream) Act(kind int, slope float32, dst, x *Buffer) {
	need("Act", x.n, dst.n)
	s.launch("act_forward", dst.n, kind, slope, dst, x, dst.n)
}

// ActBackward is its backward pass; xy is x, or y for tanh and sigmoid.
func (s *Stream) ActBackward(kind int, slope float32, dx, dy, xy *Buffer) {
	need("ActBackward", dy.n, dx.n)
	need("ActBackward", xy.n, dx.n)
	s.launch("act_backward", dx.n, kind, slope, dx, dy, xy, dx.n)
}

// Gemm is kernels.Gemm: c = α·op(a)·op(b) + β·c on row-major matrices.
func (s *Stream) Gemm(transA, transB bool, m, nn, k int, alpha float32, a, b *Buffer, beta float32, c *Buffer) {
	need("Gemm a", a.n, m*k)
	need("Gemm b", b.n, k*nn)
	need("Gemm c", c.n, m*nn)
	lda, ldb := k, nn
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	s.gemm(transA, transB, m, nn, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, nn)
}

// gemm is blas.gemm with offsets into the buffers.
func (s *Stream) gemm(ta, tb bool, m, nn, k int, alpha float32, a *Buffer, ao, lda int, b *Buffer, bo, ldb int,
	beta float32, c *Buffer, co, ldc int) {
	if m == 0 || nn == 0 {
		return
	}
	defer s.bind()()
	defer s.profile(fmt.Sprintf("sgemm %s%s %d×%d×%d", opName(ta), opName(tb), m, nn, k))()
	s.fail(s.blas.gemm(ta, tb, m, nn, k, alpha, a.at(ao), lda, b.at(bo), ldb, beta, c.at(co), ldc))
	counters.products.Add(1)
}

// gemmBatched is blas.gemmBatched with offsets into the buffers.
func (s *Stream) gemmBatched(ta, tb bool, m, nn, k int, alpha float32, a *Buffer, ao, lda, sa int, b *Buffer, bo, ldb,
	sb int, beta float32, c *Buffer, co, ldc, sc, count int) {
	if m == 0 || nn == 0 || count == 0 {
		return
	}
	defer s.bind()()
	defer s.profile(fmt.Sprintf("sgemm batched %s%s %d×%d×%d ×%d", opName(ta), opName(tb), m, nn, k, count))()
	s.fail(s.blas.gemmBatched(ta, tb, m, nn, k, alpha, a.at(ao), lda, sa, b.at(bo), ldb, sb, beta, c.at(co), ldc, sc, count))
	counters.products.Add(1)
}

func opName(t bool) string {
	if t {
		return "T"
	}
	return "N"
}

// maxColumns bounds a convolution's column matrix (C·KH·KW rows by samples·OH·OW
// columns): 2^28 values, 1 GiB, and int indices in the kernels stay below 2^31.
const maxColumns = 1 << 28

// convChunk is the number of samples whose columns fit in maxColumns.
func convChunk(sh kernels.ConvShape) int {
	per := sh.C * sh.KH * sh.KW * sh.OutH() * sh.OutW()
	return max(1, min(sh.N, maxColumns/max(per, 1)))
}

// im2col runs on a block per (row of the columns, sample) and enough blocks along
// the output pixels (see conv.cu).
func (s *Stream) im2col(col, x *Buffer, n0, nc int, sh kernels.ConvShape) {
	oh, ow := sh.OutH(), sh.OutW()
	s.launchGrid("im2col", [3]int{blocksFor(oh * ow), sh.C * sh.KH * sh.KW, nc}, [3]int{threads, 1, 1}, col,
		x.at(n0*sh.C*sh.H*sh.W), nc, sh.C, sh.H, sh.W, sh.KH, sh.KW, sh.SH, sh.SW, sh.PH, sh.PW, oh, ow)
}

// blocksFor is the number of blocks of threads covering n elements, at most 4096
// (the kernels loop over the rest).
func blocksFor(n int) int { return max(1, min((n+threads-1)/threads, 4096)) }

// Conv2d is kernels.Conv2d: per chunk of samples, im2col, one product with the
// weight (F, C·KH·KW) and a permute (with the bias) into dst (N, F, OH, OW).
func (s *Stream) Conv2d(dst, x, w, bias *Buffer, sh kernels.ConvShape) {
	sh.Check()
	ohw, k := sh.OutH()*sh.OutW(), sh.C*sh.KH*sh.KW
	need("Conv2d x", x.n, sh.N*sh.C*sh.H*sh.W)
	need("Conv2d w", w.n, sh.F*k)
	need("Conv2d dst", dst.n, sh.N*sh.F*ohw)
	if bias != nil {
		need("Conv2d bias", bias.n, sh.F)
	}
	nc := convChunk(sh)
	col, t := s.scratch(0, k*nc*ohw), s.scratch(1, sh.F*nc*ohw)
	for n0 := 0; n0 < sh.N; n0 += nc {
		m := min(nc, sh.N-n0)
		s.im2col(col, x, n0, m, sh)
		s.gemm(false, false, sh.F, m*ohw, k, 1, w, 0, k, col, 0, m*ohw, 0, t, 0, m*ohw)
		s.launch("from_columns", m*sh.F*ohw, dst.at(n0*sh.F*ohw), t, bias, m, sh.F, ohw)
	}
}

// Conv2dBackwardData is kernels.Conv2dBackwardData: columns = Wᵀ·dy, then col2im.
func (s *Stream) Conv2dBackwardData(dx, dy, w *Buffer, sh kernels.ConvShape) {
	sh.Check()
	ohw, k := sh.OutH()*sh.OutW(), sh.C*sh.KH*sh.KW
	need("Conv2dBackwardData dx", dx.n, sh.N*sh.C*sh.H*sh.W)
	need("Conv2dBackwardData dy", dy.n, sh.N*sh.F*ohw)
	nc := convChunk(sh)
	col, t := s.scratch(0, k*nc*ohw), s.scratch(1, sh.F*nc*ohw)
	for n0 := 0; n0 < sh.N; n0 += nc {
		m := min(nc, sh.N-n0)
		s.launch("to_columns", m*sh.F*ohw, t, dy.at(n0*sh.F*ohw), m, sh.F, ohw)
		s.gemm(true, false, k, m*ohw, sh.F, 1, w, 0, k, t, 0, m*ohw, 0, col, 0, m*ohw)
		s.launchGrid("col2im", [3]int{blocksFor(sh.H * sh.W), sh.C, m}, [3]int{threads, 1, 1}, dx.at(n0*sh.C*sh.H*sh.W),
			col, m, sh.C, sh.H, sh.W, sh.KH, sh.KW, sh.SH, sh.SW, sh.PH, sh.PW, sh.OutH(), sh.OutW())
	}
}

// Conv2dBackwardFilter is kernels.Conv2dBackwardFilter: dw = Σ_chunks dy·columnsᵀ,
// dbias = Σ dy per channel (dbias may be nil).
func (s *Stream) Conv2dBackwardFilter(dw, dbias, dy, x *Buffer, sh kernels.ConvShape) {
	sh.Check()
	ohw, k := sh.OutH()*sh.OutW(), sh.C*sh.KH*sh.KW
	need("Conv2dBackwardFilter dw", dw.n, sh.F*k)
	need("Conv2dBackwardFilter dy", dy.n, sh.N*sh.F*ohw)
	nc := convChunk(sh)
	col, t := s.scratch(0, k*nc*ohw), s.scratch(1, sh.F*nc*ohw)
	for n0 := 0; n0 < sh.N; n0 += nc {
		m := min(nc, sh.N-n0)
		s.im2col(col, x, n0, m, sh)
		s.launch("to_columns", m*sh.F*ohw, t, dy.at(n0*sh.F*ohw), m, sh.F, ohw)
		beta := float32(1)
		if n0 == 0 {
			beta = 0
		}
		s.gemm(false, true, sh.F, k, m*ohw, 1, t, 0, m*ohw, col, 0, m*ohw, beta, dw, 0, k)
	}
	if dbias != nil {
		need("Conv2dBackwardFilter dbias", dbias.n, sh.F)
		s.channelSum(dbias, dy, sh.N, sh.F, ohw)
	}
}

// channelSum is d[c] = Σ_{n,p} x[n, c, p] over x (n, c, hw): sums over the positions
// (x as (n·c, hw) times a column of ones), then over the samples (columnSum).
func (s *Stream) channelSum(d, x *Buffer, nn, c, hw int) {
	t := s.scratch(4, nn*c)
	s.gemm(false, false, nn*c, 1, hw, 1, x, 0, hw, s.ones(max(hw, nn)), 0, 1, 0, t, 0, 1)
	s.columnSum(d, t, nn, c)
}

// Linear is kernels.Linear: dst = x·Wᵀ + b on rows.
func (s *Stream) Linear(dst, x, w, b *Buffer, rows, in, out int) {
	need("Linear x", x.n, rows*in)
	need("Linear w", w.n, out*in)
	need("Linear dst", dst.n, rows*out)
	s.gemm(false, true, rows, out, in, 1, x, 0, in, w, 0, in, 0, dst, 0, out)
	if b != nil {
		need("Linear b", b.n, out)
		s.launch("add_batch", dst.n, dst, dst, b, dst.n, out)
	}
}

// LinearBackwardData is kernels.LinearBackwardData: dx = dy·W.
func (s *Stream) LinearBackwardData(dx, dy, w *Buffer, rows, in, out int) {
	need("LinearBackwardData dx", dx.n, rows*in)
	need("LinearBackwardData dy", dy.n, rows*out)
	s.gemm(false, false, rows, in, out, 1, dy, 0, out, w, 0, in, 0, dx, 0, in)
}

// LinearBackwardWeight is kernels.LinearBackwardWeight: dw = dyᵀ·x, db = Σ_rows dy.
func (s *Stream) LinearBackwardWeight(dw, db, dy, x *Buffer, rows, in, out int) {
	need("LinearBackwardWeight dw", dw.n, out*in)
	need("LinearBackwardWeight x", x.n, rows*in)
	s.gemm(true, false, out, in, rows, 1, dy, 0, out, x, 0, in, 0, dw, 0, in)
	if db != nil {
		need("LinearBackwardWeight db", db.n, out)
		s.columnSum(db, dy, rows, out)
	}
}

// GroupNorm is kernels.GroupNorm (gamma and beta may be nil).
func (s *Stream) GroupNorm(dst, mean, rstd, x, gamma, beta *Buffer, nn, c, hw, groups int, eps float32) {
	if groups <= 0 || c%groups != 0 {
		panic(fmt.Sprintf("cuda: GroupNorm: %d groups of %d channels", groups, c))
	}
	need("GroupNorm x", x.n, nn*c*hw)
	need("GroupNorm dst", dst.n, nn*c*hw)
	need("GroupNorm mean", mean.n, nn*groups)
	s.launchGrid("group_norm", [3]int{nn * groups, 1, 1}, [3]int{reduceThreads, 1, 1}, dst, mean, rstd, x, gamma, beta,
		c, hw, groups, eps)
}

// GroupNormBackward is kernels.GroupNormBackward (dgamma, dbeta and gamma may be nil).
func (s *Stream) GroupNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma *Buffer, nn, c, hw, groups int) {
	need("GroupNormBackward dx", dx.n, nn*c*hw)
	need("GroupNormBackward dy", dy.n, nn*c*hw)
	s.launchGrid("group_norm_backward_x", [3]int{nn * groups, 1, 1}, [3]int{reduceThreads, 1, 1}, dx, dy, x, mean,
		rstd, gamma, c, hw, groups)
	if dgamma == nil && dbeta == nil {
		return
	}
	t, u := s.scratch(4, nn*c), s.scratch(5, nn*c) // Σ dy·x̂ and Σ dy per (sample, channel)
	if hw >= 32 {
		s.launchGrid("norm_param_terms", [3]int{nn * c, 1, 1}, [3]int{reduceThreads, 1, 1}, t, u, dy, x, mean, rstd, c, hw, groups)
	} else {
		s.launch("norm_param_terms_small", nn*c, t, u, dy, x, mean, rstd, nn, c, hw, groups)
	}
	if dgamma != nil {
		s.columnSum(dgamma, t, nn, c)
	}
	if dbeta != nil {
		s.columnSum(dbeta, u, nn, c)
	}
}

// BatchNorm is kernels.BatchNorm.
func (s *Stream) BatchNorm(dst, mean, rstd, x, gamma, beta *Buffer, nn, c, hw int, eps float32) {
	need("BatchNorm x", x.n, nn*c*hw)
	need("BatchNorm mean", mean.n, c)
	s.launchGrid("batch_norm", [3]int{c, 1, 1}, [3]int{reduceThreads, 1, 1}, dst, mean, rstd, x, gamma, beta, nn, c,
		hw, eps)
}

// BatchNormBackward is kernels.BatchNormBackward.
func (s *Stream) BatchNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma *Buffer, nn, c, hw int) {
	need("BatchNormBackward dx", dx.n, nn*c*hw)
	s.launchGrid("batch_norm_backward", [3]int{c, 1, 1}, [3]int{reduceThreads, 1, 1}, dx, dgamma, dbeta, dy, x, mean,
		rstd, gamma, nn, c, hw)
}

// BatchNormUpdate moves running statistics toward a batch's (tape.Backend's).
func (s *Stream) BatchNormUpdate(runMean, runVar, mean, rstd *Buffer, momentum, eps float64, count int) {
	s.launch("batch_norm_update", runMean.n, runMean, runVar, mean, rstd, runMean.n, momentum, eps, count)
}

// BatchNormEval normalizes with running statistics (tape.Backend's).
func (s *Stream) BatchNormEval(dst, x, runMean, runVar, gamma, beta *Buffer, nn, c, hw int, eps float32) {
	need("BatchNormEval", x.n, nn*c*hw)
	s.launch("batch_norm_eval", dst.n, dst, x, runMean, runVar, gamma, beta, nn, c, hw, eps)
}

// UpsampleNearest is kernels.UpsampleNearest.
func (s *Stream) UpsampleNearest(dst, x *Buffer, nn, c, h, w, sh, sw int) {
	need("UpsampleNearest", dst.n, nn*c*h*w*sh*sw)
	s.launch("upsample", dst.n, dst, x, nn*c, h, w, sh, sw)
}

// UpsampleNearestBackward is kernels.UpsampleNearestBackward.
func (s *Stream) UpsampleNearestBackward(dx, dy *Buffer, nn, c, h, w, sh, sw int) {
	need("UpsampleNearestBackward", dy.n, nn*c*h*w*sh*sw)
	s.launch("upsample_backward", dx.n, dx, dy, nn*c, h, w, sh, sw)
}

// AvgPool is kernels.AvgPool.
func (s *Stream) AvgPool(dst, x *Buffer, nn, c, h, w, scale int) {
	need("AvgPool", x.n, nn*c*h*w)
	s.launch("avg_pool", dst.n, dst, x, nn*c, h, w, scale)
}

// AvgPoolBackward is kernels.AvgPoolBackward.
func (s *Stream) AvgPoolBackward(dx, dy *Buffer, nn, c, h, w, scale int) {
	need("AvgPoolBackward", dx.n, nn*c*h*w)
	s.launch("avg_pool_backward", dx.n, dx, dy, nn*c, h, w, scale)
}

// ConcatChannels is kernels.ConcatChannels.
func (s *Stream) ConcatChannels(dst *Buffer, parts []*Buffer, nn, h, w int, channels []int) {
	total := 0
	for _, c := range channels {
		total += c
	}
	need("ConcatChannels", dst.n, nn*total*h*w)
	off := 0
	for i, p := range parts {
		c := channels[i]
		need("ConcatChannels part", p.n, nn*c*h*w)
		s.launch("copy_channels", p.n, dst, p, nn, c, h*w, total, off, c, 0)
		off += c
	}
}

// SplitChannels is kernels.SplitChannels; a nil dst is skipped.
func (s *Stream) SplitChannels(dsts []*Buffer, dy *Buffer, nn, h, w int, channels []int) {
	total := 0
	for _, c := range channels {
		total += c
	}
	need("SplitChannels", dy.n, nn*total*h*w)
	off := 0
	for i, d := range dsts {
		c := channels[i]
		if d != nil {
			need("SplitChannels part", d.n, nn*c*h*w)
			s.launch("copy_channels", d.n, d, dy, nn, c, h*w, c, 0, total, off)
		}
		off += c
	}
}

// Transpose is kernels.Transpose: dst[b, j, i] = x[b, i, j].
func (s *Stream) Transpose(dst, x *Buffer, batch, rows, cols int) {
	need("Transpose", x.n, batch*rows*cols)
	need("Transpose", dst.n, batch*rows*cols)
	if x.n == 0 {
		return
	}
	s.launchGrid("transpose", [3]int{(cols + 31) / 32, (rows + 31) / 32, batch}, [3]int{32, 8, 1}, dst, x, rows, cols)
}

// Attention is kernels.Attention: per head, scores q_h·k_hᵀ/√dh by batched
// products over the samples (a head's columns are a strided submatrix of q, k
// and v, so no copy is made), a row softmax into probs, then probs·v_h.
func (s *Stream) Attention(dst, probs, q, k, v *Buffer, b, nq, m, d, heads int) {
	dh := d / heads
	need("Attention q", q.n, b*nq*d)
	need("Attention k", k.n, b*m*d)
	need("Attention v", v.n, b*m*d)
	need("Attention probs", probs.n, b*heads*nq*m)
	scale := float32(1 / math.Sqrt(float64(dh)))
	for h := range heads {
		s.gemmBatched(false, true, nq, m, dh, scale, q, h*dh, d, nq*d, k, h*dh, d, m*d, 0, probs, h*nq*m, m, heads*nq*m, b)
	}
	s.launchGrid("softmax", [3]int{b * heads * nq, 1, 1}, [3]int{reduceThreads, 1, 1}, probs, probs, m)
	for h := range heads {
		s.gemmBatched(false, false, nq, dh, m, 1, probs, h*nq*m, m, heads*nq*m, v, h*dh, d, m*d, 0, dst, h*dh, d, nq*d, b)
	}
}

// AttentionBackward is kernels.AttentionBackward: dv_h = P_hᵀ·dy_h, dP_h = dy_h·v_hᵀ,
// dS = P ⊙ (dP − rowsum(dP ⊙ P))/√dh, dq_h = dS·k_h, dk_h = dSᵀ·q_h.
func (s *Stream) AttentionBackward(dq, dk, dv, dy, q, k, v, probs *Buffer, b, nq, m, d, heads int) {
	dh := d / heads
	need("AttentionBackward dq", dq.n, b*nq*d)
	need("AttentionBackward dk", dk.n, b*m*d)
	need("AttentionBackward dv", dv.n, b*m*d)
	dp := s.scratch(2, b*heads*nq*m)
	for h := range heads {
		s.gemmBatched(false, true, nq, m, dh, 1, dy, h*dh, d, nq*d, v, h*dh, d, m*d, 0, dp, h*nq*m, m, heads*nq*m, b)
		s.gemmBatched(true, false, m, dh, nq, 1, probs, h*nq*m, m, heads*nq*m, dy, h*dh, d, nq*d, 0, dv, h*dh, d, m*d, b)
	}
	scale := float32(1 / math.Sqrt(float64(dh)))
	s.launchGrid("softmax_backward", [3]int{b * heads * nq, 1, 1}, [3]int{reduceThreads, 1, 1}, dp, dp, probs, m, scale)
	for h := range heads {
		s.gemmBatched(false, false, nq, dh, m, 1, dp, h*nq*m, m, heads*nq*m, k, h*dh, d, m*d, 0, dq, h*dh, d, nq*d, b)
		s.gemmBatched(true, false, m, dh, nq, 1, dp, h*nq*m, m, heads*nq*m, q, h*dh, d, nq*d, 0, dk, h*dh, d, m*d, b)
	}
}

// LossTerms writes val = w·ℓ(x, y) and grad = scale·w·ℓ'(x, y) (w may be nil).
func (s *Stream) LossTerms(kind int, val, grad, x, y, w *Buffer, scale float32) {
	need("LossTerms", y.n, x.n)
	need("LossTerms", val.n, x.n)
	need("LossTerms", grad.n, x.n)
	s.launch("loss_terms", x.n, kind, val, grad, x, y, w, scale, x.n)
}

// Sum is dst[0] = Σ x, accumulated in double.
func (s *Stream) Sum(dst, x *Buffer) {
	s.launchGrid("sum_all", [3]int{1, 1, 1}, [3]int{reduceThreads, 1, 1}, dst, x, x.n)
}

// AdamW is kernels.AdamW, with its per-step constants rounded as it rounds them.
func (s *Stream) AdamW(p, m, v, g *Buffer, t int, lr, beta1, beta2, eps, wd float64) {
	need("AdamW", g.n, p.n)
	step := float32(lr / (1 - math.Pow(beta1, float64(t))))
	inv := float32(1 / math.Sqrt(1-math.Pow(beta2, float64(t))))
	s.launch("adamw", p.n, p, m, v, g, step, inv, float32(beta1), float32(beta2), float32(eps), float32(1-lr*wd), p.n)
}

// EMA is avg = decay·avg + (1 − decay)·p.
func (s *Stream) EMA(avg, p *Buffer, decay float32) {
	need("EMA", p.n, avg.n)
	s.launch("ema", avg.n, avg, p, decay, avg.n)
}
