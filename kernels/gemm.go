package kernels

import "fmt"

// Gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, where op(X) is
// X, or Xᵀ when the matching trans flag is set:
//
//	// op(A): (m, k) — a holds A as (m, k), or as (k, m) when transA
//	// op(B): (k, n) — b holds B as (k, n), or as (n, k) when transB
//	// c:     (m, n)
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			s := 0
//			for p := 0; p < k; p++ {
//				s += op(A)[i][p] * op(B)[p][j]
//			}
//			c[i*n+j] = alpha*s + beta*c[i*n+j]
//		}
//	}
//
// As in BLAS, beta == 0 overwrites c without reading it (NaNs already in c do not
// propagate). The loops run in a cache-friendly order for each layout: i-k-j when B is
// not transposed, so the inner loop streams rows of B and C; row-by-row dot products
// (four partial sums) when it is, so the sums may round differently from the loop
// above. It panics unless
// len(a) == m·k, len(b) == k·n and len(c) == m·n.
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a, b []T, beta T, c []T) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernels: Gemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	needLen("Gemm", "a", len(a), m*k)
	needLen("Gemm", "b", len(b), k*n)
	needLen("Gemm", "c", len(c), m*n)

	// c = beta·c
	switch beta {
	case 0:
		clear(c)
	case 1:
	default:
		for i := range c {
			c[i] *= beta
		}
	}
	if alpha == 0 || k == 0 {
		return
	}

	switch {
	case !transA && !transB: // i-k-j: c[i,:] += alpha·a[i,p]·b[p,:]
		for i := 0; i < m; i++ {
			ci := c[i*n : (i+1)*n]
			ai := a[i*k : (i+1)*k]
			for p, av := range ai {
				s := alpha * av
				bp := b[p*n : (p+1)*n]
				for j, bv := range bp {
					ci[j] += s * bv
				}
			}
		}
	case transA && !transB: // i-k-j: A is stored (k, m); c[i,:] += alpha·a[p,i]·b[p,:]
		for i := 0; i < m; i++ {
			ci := c[i*n : (i+1)*n]
			for p := 0; p < k; p++ {
				s := alpha * a[p*m+i]
				bp := b[p*n : (p+1)*n]
				for j, bv := range bp {
					ci[j] += s * bv
				}
			}
		}
	case !transA && transB: // i-j-k: B is stored (n, k); c[i,j] += alpha·Σ a[i,:]·b[j,:]
		for i := 0; i < m; i++ {
			ai := a[i*k : (i+1)*k]
			ci := c[i*n : (i+1)*n]
			for j := range ci {
				ci[j] += alpha * dotRow(ai, b[j*k:(j+1)*k])
			}
		}
	default: // both transposed: A stored (k, m), B stored (n, k); c[i,j] += alpha·Σ a[:,i]·b[j,:]
		for i := 0; i < m; i++ {
			ci := c[i*n : (i+1)*n]
			for j := range ci {
				bj := b[j*k : (j+1)*k]
				var s T
				for p, bv := range bj {
					s += a[p*m+i] * bv
				}
				ci[j] += alpha * s
			}
		}
	}
}

// dotRow is Σ_p a[p]·b[p] over len(a) == len(b), with four partial sums so the
// additions do not wait on one another.
func dotRow[T Float](a, b []T) T {
	b = b[:len(a)]
	var s0, s1, s2, s3 T
	p := 0
	for ; p+4 <= len(a); p += 4 {
		s0 += a[p] * b[p]
		s1 += a[p+1] * b[p+1]
		s2 += a[p+2] * b[p+2]
		s3 += a[p+3] * b[p+3]
	}
	for ; p < len(a); p++ {
		s0 += a[p] * b[p]
	}
	return (s0 + s1) + (s2 + s3)
}

// needLen panics with a message naming the kernel, the argument and both lengths
// unless got == want; every kernel of this package checks its slices with it.
func needLen(kernel, arg string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("kernels: %s: len(%s) = %d, want %d", kernel, arg, got, want))
	}
}
