//go:build !openblas || !cgo

package kernels

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// The default backend: gonum's pure-Go sgemm (blocked, parallel over GOMAXPROCS),
// about 8× the reference Gemm on conv-sized products here (27 vs 3.4 GFLOP/s for
// 64×288 · 288×1024, 2 cores; `go test ./kernels -bench Sgemm`).

func blasName() string { return "gonum (pure Go)" }

func sgemm(transA, transB bool, m, n, k int, alpha float32, a, b []float32, beta float32, c []float32) {
	gonum.Implementation{}.Sgemm(blasTrans(transA), blasTrans(transB), m, n, k,
		alpha, a, lead(transA, m, k), b, lead(transB, k, n), beta, c, n)
}

func blasTrans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
