package main

import (
	"math"
	"math/rand/v2"
	"testing"

	"dnw/sdk/ext"
)

func uniform(rng *rand.Rand, n, c, h, w int) ext.Images {
	im := ext.Images{N: n, C: c, H: h, W: w, Pix: make([]float32, n*c*h*w)}
	for i := range im.Pix {
		im.Pix[i] = 2*rng.Float32() - 1
	}
	return im
}

func TestIdenticalBatchesScoreZero(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, shape := range [][4]int{{16, 3, 64, 64}, {2, 3, 5, 3}, {70, 3, 8, 8}} {
		im := uniform(rng, shape[0], shape[1], shape[2], shape[3])
		s, err := ext.CallMetric(im, im)
		if err != nil || s.Value > 1e-9 {
			t.Errorf("%v: %v, %v; want 0", shape, s.Value, err)
		}
	}
}

func TestRefusesOneImageOrGrey(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, im := range []ext.Images{uniform(rng, 1, 3, 8, 8), uniform(rng, 4, 1, 8, 8)} {
		if _, err := ext.CallMetric(im, im); err == nil {
			t.Errorf("(%d, %d, %d, %d): no error", im.N, im.C, im.H, im.W)
		}
	}
}

// TestFrechetOfKnownGaussians covers both routes to the trace: N ≤ d (the N×N
// matrix) and N > d (the d×d one).
func TestFrechetOfKnownGaussians(t *testing.T) {
	for _, c := range []struct {
		name   string
		fp, ft [][]float64
		want   float64
	}{
		// N = d = 2. Covariances diag(2, 0) and diag(0, 2), equal means.
		{"orthogonal", [][]float64{{0, 0}, {2, 0}}, [][]float64{{1, 1}, {1, -1}}, 4},
		// N = 4 > d = 2. Σp = 2/3·I, Σt = 8/3·I, means 3 apart: 9 + 2·(√(8/3) − √(2/3))².
		{"scaled", [][]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}, [][]float64{{5, 0}, {1, 0}, {3, 2}, {3, -2}}, 9 + 4.0/3},
		// The same with two constant features more: N = 4 ≤ d = 4.
		{"scaled, padded", [][]float64{{1, 0, 7, 0}, {-1, 0, 7, 0}, {0, 1, 7, 0}, {0, -1, 7, 0}},
			[][]float64{{5, 0, 7, 0}, {1, 0, 7, 0}, {3, 2, 7, 0}, {3, -2, 7, 0}}, 9 + 4.0/3},
		// A rotated covariance against itself, means 1 apart.
		{"shifted", [][]float64{{1, 2}, {-1, -2}, {2, 1}, {-2, -1}}, [][]float64{{2, 2}, {0, -2}, {3, 1}, {-1, -1}}, 1},
	} {
		if got := frechet(c.fp, c.ft); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestRoutesAgree compares the N×N route with the d×d one on features of
// random images: the same rows, once with d = 64 (N = 16 ≤ d) and once
// cut to d = 8 against N = 16 and compared with the 8×8 route.
func TestRoutesAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fp, ft := featuresOf(uniform(rng, 16, 3, 16, 16)), featuresOf(uniform(rng, 16, 3, 16, 16))
	cut := func(rows [][]float64, d int) [][]float64 {
		out := make([][]float64, len(rows))
		for i, r := range rows {
			out[i] = r[:d]
		}
		return out
	}
	// N = 16 > d = 8: the d×d route; the same rows with 8 zero features more
	// (d = 16, N ≤ d): the N×N route.
	pad := func(rows [][]float64) [][]float64 {
		out := make([][]float64, len(rows))
		for i, r := range rows {
			out[i] = append(append([]float64(nil), r[:8]...), make([]float64, 8)...)
		}
		return out
	}
	small, padded := frechet(cut(fp, 8), cut(ft, 8)), frechet(pad(fp), pad(ft))
	// The N×N matrix has 8 zero eigenvalues here; their rounding noise, of the
	// order of 1e-16 of its norm, turns into ~1e-8 of it through the square root.
	if small <= 0 || math.Abs(small-padded) > 1e-7*small {
		t.Errorf("d×d route %v, N×N route %v", small, padded)
	}
}

func TestJacobi(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2, 5, 16} {
		a := make([]float64, n*n)
		for i := range n {
			for j := i; j < n; j++ {
				a[i*n+j] = rng.NormFloat64()
				a[j*n+i] = a[i*n+j]
			}
		}
		d, v := append([]float64(nil), a...), make([]float64, n*n)
		jacobi(d, n, v)
		for i := range n { // a·v_j = λ_j·v_j
			for j := range n {
				av := 0.0
				for k := range n {
					av += a[i*n+k] * v[k*n+j]
				}
				if math.Abs(av-d[j*n+j]*v[i*n+j]) > 1e-12 {
					t.Fatalf("n %d: (a v)[%d][%d] = %v, λ v = %v", n, i, j, av, d[j*n+j]*v[i*n+j])
				}
			}
		}
	}
}

// TestConv4x4EqualsPlainLoops checks the blocked convolution against the plain
// one at widths that are and are not multiples of 4 blocks.
func TestConv4x4EqualsPlainLoops(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, hw := range [][2]int{{8, 8}, {5, 9}, {9, 13}, {64, 64}} {
		h, w := hw[0], hw[1]
		oh, ow := (h+1)/2, (w+1)/2
		in := make([]float64, 3*(h+2)*(w+2))
		for c := range 3 {
			for y := range h {
				for x := range w {
					in[(c*(h+2)+y+1)*(w+2)+x+1] = rng.NormFloat64()
				}
			}
		}
		fast, plain := make([]float64, 16*(oh+2)*(ow+2)), make([]float64, 16*(oh+2)*(ow+2))
		conv4x4(fast, in, 3, h, w, packed[0], 16)
		conv(plain, in, 3, h, w, weights[0], 16)
		for i := range fast {
			if math.Abs(fast[i]-plain[i]) > 1e-12 {
				t.Fatalf("%d×%d: value %d: %v, plain %v", h, w, i, fast[i], plain[i])
			}
		}
	}
}

// BenchmarkFRD runs this guest's code natively on the batch of BenchmarkMetric
// in host/internal/extensions (16 × 3×64×64): the same Go compiled for amd64
// instead of wasm.
func BenchmarkFRD(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	pred, target := uniform(rng, 16, 3, 64, 64), uniform(rng, 16, 3, 64, 64)
	for b.Loop() {
		frd(pred, target)
	}
}
