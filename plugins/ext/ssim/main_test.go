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

func TestIdenticalImagesScoreOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, shape := range [][4]int{{2, 3, 64, 64}, {1, 3, 13, 17}, {2, 1, 6, 9}, {1, 1, 1, 1}} {
		im := uniform(rng, shape[0], shape[1], shape[2], shape[3])
		s, err := ext.CallMetric(im, im)
		if err != nil || math.Abs(s.Value-1) > 1e-12 {
			t.Errorf("%v: %v, %v; want 1", shape, s.Value, err)
		}
	}
}

// TestFastPathEqualsPlainLoops compares the unrolled 11-tap filters with the
// plain loops on sizes with even and odd numbers of valid rows and columns.
func TestFastPathEqualsPlainLoops(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g1 := gaussian(window)
	g := taps{g1[0], g1[1], g1[2], g1[3], g1[4], g1[5]}
	for _, hw := range [][2]int{{14, 14}, {15, 14}, {14, 16}, {16, 17}, {20, 33}, {64, 64}} {
		h, w := hw[0], hw[1]
		x, y := uniform(rng, 1, 1, h, w).Pix, uniform(rng, 1, 1, h, w).Pix
		var fast, plain [4][]float64
		for q := range fast {
			fast[q], plain[q] = make([]float64, (w-10)*h), make([]float64, (w-10)*h)
		}
		rows11(&fast, x, y, h, w, &g)
		got := cols11(&fast, h, w-10, &g)
		want := plane(&plain, x, y, h, w, g1)
		if math.Abs(got-want) > 1e-9*float64((h-10)*(w-10)) {
			t.Errorf("%d×%d: fast %v, plain %v", h, w, got, want)
		}
	}
}

func TestRefusesEmptyImages(t *testing.T) {
	im := ext.Images{N: 0, C: 3, H: 8, W: 8}
	if _, err := ext.CallMetric(im, im); err == nil {
		t.Error("no error for an empty batch")
	}
}

// BenchmarkSSIM runs this guest's code natively on the batch of
// BenchmarkMetric in host/internal/extensions (16 × 3×64×64): the same Go
// compiled for amd64 instead of wasm.
func BenchmarkSSIM(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	pred, target := uniform(rng, 16, 3, 64, 64), uniform(rng, 16, 3, 64, 64)
	for b.Loop() {
		ssim(pred, target)
	}
}
