package kernels

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveGemm is the triple loop of Gemm's doc comment, indexing A and B by their
// stored layout.
func naiveGemm(transA, transB bool, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
				av := a[i*k+p]
				if transA {
					av = a[p*m+i]
				}
				bv := b[p*n+j]
				if transB {
					bv = b[j*k+p]
				}
				s += av * bv
			}
			c[i*n+j] = alpha*s + beta*c[i*n+j]
		}
	}
}

func TestGemmMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := [][3]int{{1, 1, 1}, {5, 7, 3}, {13, 9, 11}, {3, 17, 1}, {8, 1, 6}}
	coefs := [][2]float64{{1, 0}, {1.5, -0.7}, {-0.3, 1}, {0, 2}}
	for _, sz := range sizes {
		m, n, k := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, ab := range coefs {
					a, b, c := randn(rng, m*k), randn(rng, k*n), randn(rng, m*n)
					want := append([]float64(nil), c...)
					naiveGemm(ta, tb, m, n, k, ab[0], a, b, ab[1], want)
					a0, b0 := append([]float64(nil), a...), append([]float64(nil), b...)
					Gemm(ta, tb, m, n, k, ab[0], a, b, ab[1], c)
					assertClose(t, "C", c, want, 1e-12)
					assertClose(t, "A (must not change)", a, a0, 0)
					assertClose(t, "B (must not change)", b, b0, 0)
				}
			}
		}
	}
}

func TestGemmBetaZeroIgnoresC(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, n, k := 4, 5, 3
	a, b := randn(rng, m*k), randn(rng, k*n)
	c := make([]float64, m*n)
	for i := range c {
		c[i] = math.NaN()
	}
	want := make([]float64, m*n)
	naiveGemm(false, false, m, n, k, 2, a, b, 0, want)
	Gemm(false, false, m, n, k, 2, a, b, 0, c)
	assertClose(t, "C", c, want, 1e-12)
}

func TestGemmFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, n, k := 7, 6, 20
	a, b := randn(rng, m*k), randn(rng, k*n)
	want := make([]float64, m*n)
	Gemm(true, true, m, n, k, 1, a, b, 0, want)
	c32 := make([]float32, m*n)
	Gemm(true, true, m, n, k, 1, asFloat32(a), asFloat32(b), 0, c32)
	assertClose(t, "C float32", asFloat64(c32), want, 1e-5)
}

func TestGemmPanicsOnBadLength(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "Gemm") || !strings.Contains(msg, "len(b) = 5, want 6") {
			t.Fatalf("panic = %q, want one naming Gemm and len(b)", msg)
		}
	}()
	Gemm(false, false, 2, 3, 2, 1, make([]float64, 4), make([]float64, 5), 0, make([]float64, 6))
}

// TestBackendSgemmMatchesReference runs the build's float32 backend (gemm) against
// the reference Gemm for every transpose combination, odd sizes and beta ∈ {0, 1, ½}.
func TestBackendSgemmMatchesReference(t *testing.T) {
	t.Logf("backend: %s", BLAS)
	rng := rand.New(rand.NewPCG(3, 4))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(rng.Float64()*2 - 1)
		}
		return s
	}
	for _, size := range [][3]int{{1, 1, 1}, {7, 5, 3}, {33, 65, 17}, {64, 300, 288}} {
		m, n, k := size[0], size[1], size[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, beta := range []float32{0, 1, 0.5} {
				a, b, c := fill(m*k), fill(k*n), fill(m*n)
				want := append([]float32(nil), c...)
				Gemm(tr[0], tr[1], m, n, k, 0.75, a, b, beta, want)
				gemm(tr[0], tr[1], m, n, k, 0.75, a, b, beta, c)
				for i := range c {
					if d := math.Abs(float64(c[i] - want[i])); d > 1e-4*float64(k) {
						t.Fatalf("m=%d n=%d k=%d trans=%v beta=%v: c[%d] = %v, reference %v", m, n, k, tr, beta, i, c[i], want[i])
					}
				}
			}
		}
	}
}
