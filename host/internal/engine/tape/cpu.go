package tape

import (
	"math"

	"dnw/kernels"
)

// hostBuffer is a CPU backend's buffer (a pointer, so that buffers compare by identity).
type hostBuffer struct{ d []float32 }

func (b *hostBuffer) Len() int { return len(b.d) }

// cpu is the Backend over dnw/kernels: every call runs at once, on the caller's
// goroutine (the kernels split their own work over the cores).
type cpu struct{}

// NewCPU returns the CPU backend. The engine trains on the CPU through gorgonia;
// this backend exists so that the plan, its gradients and the training loops of
// this package run, and are tested, on every machine, and so that the CUDA
// backend's conformance test has its reference.
func NewCPU() Backend { return cpu{} }

// f is the host slice of a buffer (nil for a nil buffer, which kernels read as absent).
func f(b Buffer) []float32 {
	if b == nil {
		return nil
	}
	return b.(*hostBuffer).d
}

func fs(bs []Buffer) [][]float32 {
	out := make([][]float32, len(bs))
	for i, b := range bs {
		out[i] = f(b)
	}
	return out
}

func (cpu) Name() string                       { return "cpu" }
func (cpu) Alloc(n int) Buffer                 { return &hostBuffer{make([]float32, n)} }
func (cpu) Free(Buffer)                        {}
func (cpu) Upload(dst Buffer, src []float32)   { copy(f(dst), mustLen(src, dst.Len())) }
func (cpu) Download(dst []float32, src Buffer) { copy(mustLen(dst, src.Len()), f(src)) }
func (cpu) Sync() error                        { return nil }
func (cpu) Close()                             {}

// mustLen returns s, panicking unless it has n elements (a host slice given for a buffer).
func mustLen(s []float32, n int) []float32 {
	if len(s) != n {
		panic("tape: host slice of the wrong length for its buffer")
	}
	return s
}

func (cpu) Copy(dst Buffer, off int, src Buffer) { copy(f(dst)[off:off+src.Len()], f(src)) }

func (cpu) Fill(dst Buffer, v float32) {
	d := f(dst)
	for i := range d {
		d[i] = v
	}
}

func (cpu) Axpy(dst Buffer, a float32, x Buffer) {
	d, xs := f(dst), mustLen(f(x), dst.Len())
	for i, v := range xs {
		d[i] += a * v
	}
}

func (cpu) Add(dst, a, b Buffer) { kernels.Add(f(dst), f(a), f(b)) }

func (cpu) Mul(dst, a, b Buffer) {
	d, as, bs := f(dst), f(a), mustLen(f(b), a.Len())
	for i, v := range as {
		d[i] = v * bs[i]
	}
}

func (cpu) AddBatch(dst, x, p Buffer) {
	d, xs, ps := f(dst), f(x), f(p)
	for i, v := range xs {
		d[i] = v + ps[i%len(ps)]
	}
}

func (cpu) SumBatch(dst, x Buffer) {
	d, xs := f(dst), f(x)
	clear(d)
	for i, v := range xs {
		d[i%len(d)] += v
	}
}

func (cpu) Act(k Act, slope float32, dst, x Buffer) {
	d, xs := f(dst), f(x)
	switch k {
	case ActReLU:
		kernels.ReLU(d, xs)
	case ActLeakyReLU:
		kernels.LeakyReLU(d, xs, slope)
	case ActGELU:
		kernels.GELU(d, xs)
	case ActSiLU:
		kernels.SiLU(d, xs)
	case ActTanh:
		kernels.Tanh(d, xs)
	case ActSigmoid:
		kernels.Sigmoid(d, xs)
	default:
		panic("tape: unknown activation")
	}
}

func (cpu) ActBackward(k Act, slope float32, dx, dy, xy Buffer) {
	d, g, v := f(dx), f(dy), f(xy)
	switch k {
	case ActReLU:
		kernels.ReLUBackward(d, g, v)
	case ActLeakyReLU:
		kernels.LeakyReLUBackward(d, g, v, slope)
	case ActGELU:
		kernels.GELUBackward(d, g, v)
	case ActSiLU:
		kernels.SiLUBackward(d, g, v)
	case ActTanh:
		kernels.TanhBackward(d, g, v)
	case ActSigmoid:
		kernels.SigmoidBackward(d, g, v)
	default:
		panic("tape: unknown activation")
	}
}

func (cpu) Gemm(transA, transB bool, m, n, k int, alpha float32, a, b Buffer, beta float32, c Buffer) {
	kernels.Gemm(transA, transB, m, n, k, alpha, f(a), f(b), beta, f(c))
}

func (cpu) Conv2d(dst, x, w, bias Buffer, s kernels.ConvShape) {
	kernels.Conv2d(f(dst), f(x), f(w), f(bias), s)
}

func (cpu) Conv2dBackwardData(dx, dy, w Buffer, s kernels.ConvShape) {
	kernels.Conv2dBackwardData(f(dx), f(dy), f(w), s)
}

func (cpu) Conv2dBackwardFilter(dw, dbias, dy, x Buffer, s kernels.ConvShape) {
	kernels.Conv2dBackwardFilter(f(dw), f(dbias), f(dy), f(x), s)
}

func (cpu) Linear(dst, x, w, b Buffer, rows, in, out int) {
	kernels.Linear(f(dst), f(x), f(w), f(b), rows, in, out)
}

func (cpu) LinearBackwardData(dx, dy, w Buffer, rows, in, out int) {
	kernels.LinearBackwardData(f(dx), f(dy), f(w), rows, in, out)
}

func (cpu) LinearBackwardWeight(dw, db, dy, x Buffer, rows, in, out int) {
	kernels.LinearBackwardWeight(f(dw), f(db), f(dy), f(x), rows, in, out)
}

func (cpu) GroupNorm(dst, mean, rstd, x, gamma, beta Buffer, n, c, hw, groups int, eps float32) {
	kernels.GroupNorm(f(dst), f(mean), f(rstd), f(x), f(gamma), f(beta), n, c, hw, groups, eps)
}

func (cpu) GroupNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma Buffer, n, c, hw, groups int) {
	kernels.GroupNormBackward(f(dx), f(dgamma), f(dbeta), f(dy), f(x), f(mean), f(rstd), f(gamma), n, c, hw, groups)
}

func (cpu) BatchNorm(dst, mean, rstd, x, gamma, beta Buffer, n, c, hw int, eps float32) {
	kernels.BatchNorm(f(dst), f(mean), f(rstd), f(x), f(gamma), f(beta), n, c, hw, eps)
}

func (cpu) BatchNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma Buffer, n, c, hw int) {
	kernels.BatchNormBackward(f(dx), f(dgamma), f(dbeta), f(dy), f(x), f(mean), f(rstd), f(gamma), n, c, hw)
}

func (cpu) BatchNormUpdate(runMean, runVar, mean, rstd Buffer, momentum, eps float64, count int) {
	rm, rv, mu, r := f(runMean), f(runVar), f(mean), f(rstd)
	for ch := range rm {
		variance := 1/(float64(r[ch])*float64(r[ch])) - eps
		if count > 1 {
			variance *= float64(count) / float64(count-1)
		}
		rm[ch] = float32((1-momentum)*float64(rm[ch]) + momentum*float64(mu[ch]))
		rv[ch] = float32((1-momentum)*float64(rv[ch]) + momentum*variance)
	}
}

func (cpu) BatchNormEval(dst, x, runMean, runVar, gamma, beta Buffer, n, c, hw int, eps float32) {
	d, xs, rm, rv, g, b := f(dst), f(x), f(runMean), f(runVar), f(gamma), f(beta)
	for i := range n {
		for ch := range c {
			r := float32(1 / math.Sqrt(float64(rv[ch])+float64(eps)))
			a, s := r*g[ch], b[ch]-rm[ch]*r*g[ch]
			off := (i*c + ch) * hw
			for p, v := range xs[off : off+hw] {
				d[off+p] = v*a + s
			}
		}
	}
}

func (cpu) UpsampleNearest(dst, x Buffer, n, c, h, w, sh, sw int) {
	kernels.UpsampleNearest(f(dst), f(x), n, c, h, w, sh, sw)
}

func (cpu) UpsampleNearestBackward(dx, dy Buffer, n, c, h, w, sh, sw int) {
	kernels.UpsampleNearestBackward(f(dx), f(dy), n, c, h, w, sh, sw)
}

func (cpu) AvgPool(dst, x Buffer, n, c, h, w, scale int) {
	kernels.AvgPool(f(dst), f(x), n, c, h, w, scale)
}

func (cpu) AvgPoolBackward(dx, dy Buffer, n, c, h, w, scale int) {
	kernels.AvgPoolBackward(f(dx), f(dy), n, c, h, w, scale)
}

func (cpu) ConcatChannels(dst Buffer, parts []Buffer, n, h, w int, channels []int) {
	kernels.ConcatChannels(f(dst), n, h, w, fs(parts), channels)
}

func (cpu) SplitChannels(dsts []Buffer, dy Buffer, n, h, w int, channels []int) {
	lo := 0
	for i, d := range dsts { // kernels.SplitChannels writes every part; a nil one is skipped here
		if d != nil {
			kernels.ChannelRange(f(d), f(dy), n, sum(channels), h, w, lo, lo+channels[i])
		}
		lo += channels[i]
	}
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func (cpu) Transpose(dst, x Buffer, batch, rows, cols int) {
	kernels.Transpose(f(dst), f(x), batch, rows, cols)
}

func (cpu) Attention(dst, probs, q, k, v Buffer, b, n, m, d, heads int) {
	kernels.Attention(f(dst), f(probs), f(q), f(k), f(v), b, n, m, d, heads)
}

func (cpu) AttentionBackward(dq, dk, dv, dy, q, k, v, probs Buffer, b, n, m, d, heads int) {
	kernels.AttentionBackward(f(dq), f(dk), f(dv), f(dy), f(q), f(k), f(v), f(probs), b, n, m, d, heads)
}

func (cpu) LossTerms(kind Loss, val, grad, x, y, w Buffer, scale float32) {
	vs, gs, xs, ys, ws := f(val), f(grad), f(x), f(y), f(w)
	for i, xv := range xs {
		l, d := lossAt(kind, xv, ys[i])
		if ws != nil {
			l, d = l*ws[i], d*ws[i]
		}
		vs[i], gs[i] = l, scale*d
	}
}

// lossAt is ℓ(x, y) and ∂ℓ/∂x, the reference the CUDA kernel follows.
func lossAt(kind Loss, x, y float32) (float32, float32) {
	switch kind {
	case LossL1:
		d := x - y
		switch {
		case d > 0:
			return d, 1
		case d < 0:
			return -d, -1
		}
		return 0, 0
	case LossSquare:
		d := x - y
		return d * d, 2 * d
	case LossBCE: // softplus(x) = max(x, 0) + log1p(e^−|x|), stable for large |x|
		sp := float32(math.Max(float64(x), 0) + math.Log1p(math.Exp(-math.Abs(float64(x)))))
		return sp - y*x, float32(1/(1+math.Exp(-float64(x)))) - y
	}
	panic("tape: unknown loss")
}

func (cpu) Sum(dst, x Buffer) {
	s := 0.0
	for _, v := range f(x) {
		s += float64(v)
	}
	f(dst)[0] = float32(s)
}

func (cpu) AdamW(p, m, v, g Buffer, t int, lr, beta1, beta2, eps, wd float64) {
	kernels.AdamW(f(p), f(m), f(v), f(g), t, lr, beta1, beta2, eps, wd)
}

func (cpu) EMA(avg, p Buffer, decay float32) {
	a, ps := f(avg), f(p)
	for i, v := range ps {
		a[i] = decay*a[i] + (1-decay)*v
	}
}

var _ Backend = cpu{}
