package kernels

// Benchmarks of the float32 matrix product at the size of the E2GAN-like conv
// forward (w (64, 32·3·3) · cols (288, 32·32)): the plain-Go reference Gemm against
// the build's backend (gonum by default, OpenBLAS with -tags openblas):
//
//	go test ./kernels/ -run '^$' -bench Sgemm -benchtime 50x
//	go test -tags openblas ./kernels/ -run '^$' -bench Sgemm -benchtime 50x

import (
	"math/rand/v2"
	"testing"
)

const sgemmM, sgemmN, sgemmK = 64, 1024, 288

func benchSgemm(b *testing.B, product func(m, n, k int, a, bm, c []float32)) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, bm := asFloat32(randn(rng, sgemmM*sgemmK)), asFloat32(randn(rng, sgemmK*sgemmN))
	c := make([]float32, sgemmM*sgemmN)
	for b.Loop() {
		product(sgemmM, sgemmN, sgemmK, a, bm, c)
	}
	b.ReportMetric(2*sgemmM*sgemmN*sgemmK*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkSgemmReference(b *testing.B) {
	benchSgemm(b, func(m, n, k int, a, bm, c []float32) { Gemm(false, false, m, n, k, 1, a, bm, 0, c) })
}

func BenchmarkSgemmBackend(b *testing.B) {
	b.Log("backend:", BLAS)
	benchSgemm(b, func(m, n, k int, a, bm, c []float32) { gemm(false, false, m, n, k, 1, a, bm, 0, c) })
}
