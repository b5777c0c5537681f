package kernels

// The BLAS seam: the kernels run their matrix products through gemm, which sends
// float32 (what the engine trains in) to the backend's sgemm and float64 (what the
// gradient checks run in) to the plain-Go reference Gemm. The backend is chosen at
// build time: blas_gonum.go by default (pure Go, no cgo), blas_openblas.go under the
// `openblas` build tag (cgo, Debian's libopenblas-dev; `make` builds with it). A
// CUDA backend (gorgonia.org/cu, `cuda` tag) replaces whole kernels rather than
// this product, since its data lives on the device.
//
// The matrix product is where the time goes: a generator + discriminator step of
// arch.e2gan spent 84% of its time in the reference Gemm (docs/benchmarks.md).

// BLAS names the float32 matrix-product backend this binary was built with, for
// benchmark reports and run manifests.
var BLAS = blasName()

// gemm is Gemm, with float32 sent to the backend's sgemm.
func gemm[T Float](transA, transB bool, m, n, k int, alpha T, a, b []T, beta T, c []T) {
	if a32, ok := any(a).([]float32); ok {
		needLen("gemm", "a", len(a), m*k)
		needLen("gemm", "b", len(b), k*n)
		needLen("gemm", "c", len(c), m*n)
		if m == 0 || n == 0 {
			return
		}
		if k == 0 || alpha == 0 { // BLAS semantics without touching empty operands
			Gemm(transA, transB, m, n, k, alpha, a, b, beta, c)
			return
		}
		sgemm(transA, transB, m, n, k, float32(alpha), a32, any(b).([]float32), float32(beta), any(c).([]float32))
		return
	}
	Gemm(transA, transB, m, n, k, alpha, a, b, beta, c)
}

// lead is the leading dimension of a row-major operand stored (rows, cols) as
// op(X) = X, or (cols, rows) when transposed: the length of one stored row.
func lead(trans bool, rows, cols int) int {
	if trans {
		return rows
	}
	return cols
}
