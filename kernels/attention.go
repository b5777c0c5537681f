package kernels

import (
	"fmt"
	"math"
)

// attnShape panics unless the sizes are non-negative and heads divides d, and returns
// the head dimension d/heads.
func attnShape(kernel string, b, n, m, d, heads int) int {
	if b < 0 || n < 0 || m < 0 || d < 0 || heads <= 0 || d%heads != 0 {
		panic(fmt.Sprintf("kernels: %s: b=%d n=%d m=%d d=%d heads=%d: need heads > 0 dividing d", kernel, b, n, m, d, heads))
	}
	return d / heads
}

// attnGather copies columns off..off+dh of the (rows, d) matrix src into the
// contiguous (rows, dh) matrix dst.
func attnGather[T Float](dst, src []T, rows, d, off, dh int) {
	for r := 0; r < rows; r++ {
		copy(dst[r*dh:(r+1)*dh], src[r*d+off:r*d+off+dh])
	}
}

// attnScatter copies the (rows, dh) matrix src into columns off..off+dh of the
// (rows, d) matrix dst.
func attnScatter[T Float](dst, src []T, rows, d, off, dh int) {
	for r := 0; r < rows; r++ {
		copy(dst[r*d+off:r*d+off+dh], src[r*dh:(r+1)*dh])
	}
}

// Attention is multi-head scaled dot-product attention (Vaswani et al. 2017), the arch
// IR's attention op, without projections (the host applies them as separate linear
// layers), as torch.nn.functional.scaled_dot_product_attention on heads split from D:
//
//	q: (B, N, D)   k, v: (B, M, D)   dst: (B, N, D)   probs: (B, H, N, M)
//	dh = D/H; head h uses columns h·dh .. (h+1)·dh − 1 of q, k, v and dst
//	probs[b,h,i,:] = softmax_j( Σ_t q[b,i,h·dh+t]·k[b,j,h·dh+t] / √dh )
//	dst[b,i,h·dh+t] = Σ_j probs[b,h,i,j]·v[b,j,h·dh+t]
//
// i.e. dst = concat_h softmax(q_h·k_hᵀ/√dh)·v_h. probs is saved for AttentionBackward.
// The products run through Gemm on per-head copies of q, k and v; the softmax is
// Softmax's (stable, float64 exponentials). dst must not alias q, k or v.
func Attention[T Float](dst, probs, q, k, v []T, b, n, m, d, heads int) {
	const kernel = "Attention"
	dh := attnShape(kernel, b, n, m, d, heads)
	needLen(kernel, "q", len(q), b*n*d)
	needLen(kernel, "k", len(k), b*m*d)
	needLen(kernel, "v", len(v), b*m*d)
	needLen(kernel, "dst", len(dst), b*n*d)
	needLen(kernel, "probs", len(probs), b*heads*n*m)

	scale := T(1 / math.Sqrt(float64(dh)))
	nw := workers(b * heads)
	qhs, khs, vhs, ohs := scratch[T](nw, n*dh), scratch[T](nw, m*dh), scratch[T](nw, m*dh), scratch[T](nw, n*dh)
	forEach(b*heads, func(wk, bh int) { // (batch, head) pairs write disjoint parts of dst and probs
		bi, h := bh/heads, bh%heads
		qh, kh, vh, oh := qhs[wk], khs[wk], vhs[wk], ohs[wk]
		attnGather(qh, q[bi*n*d:(bi+1)*n*d], n, d, h*dh, dh)
		attnGather(kh, k[bi*m*d:(bi+1)*m*d], m, d, h*dh, dh)
		attnGather(vh, v[bi*m*d:(bi+1)*m*d], m, d, h*dh, dh)
		p := probs[bh*n*m : (bh+1)*n*m]
		gemm(false, true, n, m, dh, scale, qh, kh, 0, p) // S = q_h·k_hᵀ/√dh: (N, M)
		for i := 0; i < n; i++ {
			softmaxRow(p[i*m:(i+1)*m], p[i*m:(i+1)*m])
		}
		gemm(false, false, n, dh, m, 1, p, vh, 0, oh) // O_h = P·v_h: (N, dh)
		attnScatter(dst[bi*n*d:(bi+1)*n*d], oh, n, d, h*dh, dh)
	})
}

// AttentionBackward is the backward pass of Attention given dy (B, N, D), the inputs
// and the saved probs (B, H, N, M). Per batch b and head h, with P = probs[b,h]:
//
//	dv_h = Pᵀ·dy_h                               (M, dh)
//	dP   = dy_h·v_hᵀ                             (N, M)
//	dS   = P ⊙ (dP − rowsum(dP ⊙ P))             (the softmax backward)
//	dq_h = dS·k_h/√dh   dk_h = dSᵀ·q_h/√dh
//
// dq, dk, dv are overwritten and must not alias the inputs.
func AttentionBackward[T Float](dq, dk, dv, dy, q, k, v, probs []T, b, n, m, d, heads int) {
	const kernel = "AttentionBackward"
	dh := attnShape(kernel, b, n, m, d, heads)
	needLen(kernel, "q", len(q), b*n*d)
	needLen(kernel, "k", len(k), b*m*d)
	needLen(kernel, "v", len(v), b*m*d)
	needLen(kernel, "dy", len(dy), b*n*d)
	needLen(kernel, "probs", len(probs), b*heads*n*m)
	needLen(kernel, "dq", len(dq), b*n*d)
	needLen(kernel, "dk", len(dk), b*m*d)
	needLen(kernel, "dv", len(dv), b*m*d)

	scale := T(1 / math.Sqrt(float64(dh)))
	nw := workers(b * heads)
	// Per worker: the head's q, dq, dy (N, dh); k, v, dk, dv (M, dh); and dS (N, M).
	nbuf, mbuf := scratch[T](3*nw, n*dh), scratch[T](4*nw, m*dh)
	dss := scratch[T](nw, n*m)
	forEach(b*heads, func(wk, bh int) { // (batch, head) pairs write disjoint parts of dq, dk, dv
		bi, h := bh/heads, bh%heads
		qh, dqh, dyh := nbuf[3*wk], nbuf[3*wk+1], nbuf[3*wk+2]
		kh, vh, dkh, dvh := mbuf[4*wk], mbuf[4*wk+1], mbuf[4*wk+2], mbuf[4*wk+3]
		ds := dss[wk]
		attnGather(qh, q[bi*n*d:(bi+1)*n*d], n, d, h*dh, dh)
		attnGather(kh, k[bi*m*d:(bi+1)*m*d], m, d, h*dh, dh)
		attnGather(vh, v[bi*m*d:(bi+1)*m*d], m, d, h*dh, dh)
		attnGather(dyh, dy[bi*n*d:(bi+1)*n*d], n, d, h*dh, dh)
		p := probs[bh*n*m : (bh+1)*n*m]
		gemm(true, false, m, dh, n, 1, p, dyh, 0, dvh) // dv_h = Pᵀ·dy_h
		gemm(false, true, n, m, dh, 1, dyh, vh, 0, ds) // dP = dy_h·v_hᵀ
		for i := 0; i < n; i++ {
			softmaxBackwardRow(ds[i*m:(i+1)*m], ds[i*m:(i+1)*m], p[i*m:(i+1)*m])
		}
		gemm(false, false, n, dh, m, scale, ds, kh, 0, dqh) // dq_h = dS·k_h/√dh
		gemm(true, false, m, dh, n, scale, ds, qh, 0, dkh)  // dk_h = dSᵀ·q_h/√dh
		attnScatter(dq[bi*n*d:(bi+1)*n*d], dqh, n, d, h*dh, dh)
		attnScatter(dk[bi*m*d:(bi+1)*m*d], dkh, m, d, h*dh, dh)
		attnScatter(dv[bi*m*d:(bi+1)*m*d], dvh, m, d, h*dh, dh)
	})
}
