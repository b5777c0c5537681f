package kernels

import "testing"

// E2GAN-like attention (docs/dependencies.md): batch 4, 16×16 = 256 tokens attending to
// themselves, width 128, 4 heads of 32.
const benchAttnB, benchAttnN, benchAttnD, benchAttnHeads = 4, 256, 128, 4

// attnFlops is the multiply-adds ×2 of the two (forward) or four (backward) products.
func attnFlops(products int) float64 {
	return float64(2 * products * benchAttnB * benchAttnN * benchAttnN * benchAttnD)
}

func BenchmarkAttentionForward(b *testing.B) {
	const bb, n, d, h = benchAttnB, benchAttnN, benchAttnD, benchAttnHeads
	q, k, v := benchRandn32(bb*n*d), benchRandn32(bb*n*d), benchRandn32(bb*n*d)
	out, probs := make([]float32, bb*n*d), make([]float32, bb*h*n*n)
	for b.Loop() {
		Attention(out, probs, q, k, v, bb, n, n, d, h)
	}
	b.ReportMetric(attnFlops(2)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkAttentionBackward(b *testing.B) {
	const bb, n, d, h = benchAttnB, benchAttnN, benchAttnD, benchAttnHeads
	q, k, v, dy := benchRandn32(bb*n*d), benchRandn32(bb*n*d), benchRandn32(bb*n*d), benchRandn32(bb*n*d)
	out, probs := make([]float32, bb*n*d), make([]float32, bb*h*n*n)
	dq, dk, dv := make([]float32, bb*n*d), make([]float32, bb*n*d), make([]float32, bb*n*d)
	Attention(out, probs, q, k, v, bb, n, n, d, h)
	for b.Loop() {
		AttentionBackward(dq, dk, dv, dy, q, k, v, probs, bb, n, n, d, h)
	}
	b.ReportMetric(attnFlops(4)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
