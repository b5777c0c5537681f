package tape

import "dnw/kernels"

// Buffer is a backend's array of float32 values: host memory on the CPU, device
// memory on a GPU.
type Buffer interface{ Len() int }

// Act names an elementwise activation.
type Act int

// The activations of the IR, in kernels' forms. The backward pass of Tanh and Sigmoid
// reads the output y; the others read the input x.
const (
	ActReLU Act = iota
	ActLeakyReLU
	ActGELU
	ActSiLU
	ActTanh
	ActSigmoid
)

// Loss names an elementwise loss ℓ(x, y) and its derivative in x.
type Loss int

// The losses of the training loops.
const (
	LossL1     Loss = iota // |x − y|; sign(x − y), 0 at x = y
	LossSquare             // (x − y)²; 2(x − y)
	LossBCE                // softplus(x) − y·x, the binary cross-entropy of logit x; sigmoid(x) − y
)

// Backend is the kernel set the plan runs on: dnw/kernels' functions, with the
// same names, arguments and semantics, over Buffers, plus the memory and loss
// operations the training loops need. Calls may run asynchronously, in order;
// Download and Sync wait for the work queued before them. A failure inside a
// kernel is kept and returned by the next Sync; a call with wrong lengths is a
// programmer error and panics, as in kernels.
//
// It is a large interface on purpose, as gonum's blas.Float32 is: it is the
// seam between the plan and the hardware, implemented twice (cpu.go over
// dnw/kernels, and the CUDA backend over dnw/kernels/cuda), and the conformance
// test runs every method on both.
type Backend interface {
	Name() string
	Alloc(n int) Buffer // n zeros
	Free(b Buffer)      // releases device memory; b is unusable after
	Upload(dst Buffer, src []float32)
	Download(dst []float32, src Buffer)
	Sync() error
	Close() // releases the backend (a GPU stream); its buffers must be freed first

	Copy(dst Buffer, off int, src Buffer) // dst[off : off+len(src)] = src
	Fill(dst Buffer, v float32)
	Axpy(dst Buffer, a float32, x Buffer) // dst += a·x
	Add(dst, a, b Buffer)
	Mul(dst, a, b Buffer)
	AddBatch(dst, x, p Buffer) // dst[b, i] = x[b, i] + p[i], len(p) dividing len(x)
	SumBatch(dst, x Buffer)    // dst[i] = Σ_b x[b, i]
	Act(k Act, slope float32, dst, x Buffer)
	ActBackward(k Act, slope float32, dx, dy, xy Buffer) // xy: x, or y for ActTanh and ActSigmoid

	Gemm(transA, transB bool, m, n, k int, alpha float32, a, b Buffer, beta float32, c Buffer)
	Conv2d(dst, x, w, bias Buffer, s kernels.ConvShape) // bias may be nil
	Conv2dBackwardData(dx, dy, w Buffer, s kernels.ConvShape)
	Conv2dBackwardFilter(dw, dbias, dy, x Buffer, s kernels.ConvShape) // dbias may be nil
	Linear(dst, x, w, b Buffer, rows, in, out int)                     // b may be nil
	LinearBackwardData(dx, dy, w Buffer, rows, in, out int)
	LinearBackwardWeight(dw, db, dy, x Buffer, rows, in, out int) // db may be nil

	GroupNorm(dst, mean, rstd, x, gamma, beta Buffer, n, c, hw, groups int, eps float32)
	GroupNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma Buffer, n, c, hw, groups int)
	BatchNorm(dst, mean, rstd, x, gamma, beta Buffer, n, c, hw int, eps float32)
	BatchNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma Buffer, n, c, hw int)
	// BatchNormUpdate moves running statistics toward a batch's, as torch:
	// r_mean ← (1−m)·r_mean + m·mean, r_var ← (1−m)·r_var + m·var·count/(count−1)
	// with var = 1/rstd² − eps (the batch's biased variance), in float64.
	BatchNormUpdate(runMean, runVar, mean, rstd Buffer, momentum, eps float64, count int)
	// BatchNormEval is dst = (x − r_mean)/√(r_var + eps)·gamma + beta per channel.
	BatchNormEval(dst, x, runMean, runVar, gamma, beta Buffer, n, c, hw int, eps float32)

	UpsampleNearest(dst, x Buffer, n, c, h, w, sh, sw int)
	UpsampleNearestBackward(dx, dy Buffer, n, c, h, w, sh, sw int)
	AvgPool(dst, x Buffer, n, c, h, w, scale int)
	AvgPoolBackward(dx, dy Buffer, n, c, h, w, scale int)
	ConcatChannels(dst Buffer, parts []Buffer, n, h, w int, channels []int)
	SplitChannels(dsts []Buffer, dy Buffer, n, h, w int, channels []int) // a nil dst is skipped
	Transpose(dst, x Buffer, batch, rows, cols int)
	Attention(dst, probs, q, k, v Buffer, b, n, m, d, heads int)
	AttentionBackward(dq, dk, dv, dy, q, k, v, probs Buffer, b, n, m, d, heads int)

	// LossTerms writes val[i] = w[i]·ℓ(x[i], y[i]) and grad[i] = scale·w[i]·ℓ'(x[i], y[i])
	// (w nil: 1).
	LossTerms(kind Loss, val, grad, x, y, w Buffer, scale float32)
	Sum(dst, x Buffer) // dst[0] = Σ x, accumulated in float64
	AdamW(p, m, v, g Buffer, t int, lr, beta1, beta2, eps, wd float64)
	EMA(avg, p Buffer, decay float32) // avg = decay·avg + (1 − decay)·p
}
