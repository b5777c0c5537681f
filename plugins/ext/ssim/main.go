package main

import (
	"math"

	"dnw/sdk/ext"
)

func init() {
	ext.Metric(ext.Info{Name: "ssim", Version: "1.0.0", HigherIsBetter: true,
		Description: "mean structural similarity (Wang et al. 2004): 11×11 Gaussian window σ 1.5, K1 0.01, K2 0.03, images mapped to [0, 1], valid positions; 1 for identical images"}, ssim)
}

func main() {}

// The constants of Wang et al. 2004, section III.C.
const (
	window = 11
	sigma  = 1.5
	c1     = 0.01 * 0.01 // (K1·L)²
	c2     = 0.03 * 0.03 // (K2·L)²
)

// windowSize is 11, or for images smaller than that their smaller side, made odd.
func windowSize(h, w int) int {
	s := min(window, h, w)
	if s%2 == 0 {
		s--
	}
	return s
}

// gaussian is the normalized 1-D window of size taps, σ = 1.5, centred.
func gaussian(size int) []float64 {
	g := make([]float64, size)
	sum := 0.0
	for k := range g {
		d := float64(k - size/2)
		g[k] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += g[k]
	}
	for k := range g {
		g[k] /= sum
	}
	return g
}

// scratch holds the filtered maps between calls, so that a call allocates nothing
// once the instance has seen its batch shape.
var scratch [4][]float64

func grow(n int) *[4][]float64 {
	for q := range scratch {
		if cap(scratch[q]) < n {
			scratch[q] = make([]float64, n)
		}
		scratch[q] = scratch[q][:n]
	}
	return &scratch
}

func ssim(pred, target ext.Images) ext.Score {
	if len(pred.Pix) == 0 {
		ext.Errorf("ssim: no pixels in images (%d, %d, %d, %d)", pred.N, pred.C, pred.H, pred.W)
	}
	h, w := pred.H, pred.W
	s := windowSize(h, w)
	oh, ow := h-s+1, w-s+1
	fast := s == window && oh >= 4 && ow >= 4
	var g taps
	if fast {
		g1 := gaussian(window)
		g = taps{g1[0], g1[1], g1[2], g1[3], g1[4], g1[5]}
	}
	maps := grow(ow * h)
	total := 0.0
	for p := range pred.N * pred.C {
		x, y := pred.Pix[p*h*w:(p+1)*h*w], target.Pix[p*h*w:(p+1)*h*w]
		if fast {
			rows11(maps, x, y, h, w, &g)
			total += cols11(maps, h, ow, &g)
		} else {
			total += plane(maps, x, y, h, w, gaussian(s))
		}
	}
	return ext.Score{Value: total / float64(pred.N*pred.C*oh*ow)}
}

// stat is SSIM at one position from the window's means over the raw values in
// [-1, 1]: of x, of y, of x²+y² and of x·y. SSIM needs σx² and σy² only as their
// sum, E[x²+y²] − μx² − μy², so the filters run over four quantities, not five.
// Mapping to [0, 1] by (v+1)/2 shifts the means by 1/2 and scales them by 1/2,
// the (co)variances by 1/4.
func stat(mx, my, mss, mxy float64) float64 {
	vs, cxy := (mss-mx*mx-my*my)/4, (mxy-mx*my)/4
	mx, my = (mx+1)/2, (my+1)/2
	return (2*mx*my + c1) * (2*cxy + c2) / ((mx*mx + my*my + c1) * (vs + c2))
}

// plane is the sum of SSIM over the valid positions of one channel, for any window
// size g: the plain loops, used where the fast path does not apply (images
// smaller than 14 pixels on a side). maps holds the row-filtered sums,
// (4, h, ow).
func plane(maps *[4][]float64, x, y []float32, h, w int, g []float64) float64 {
	s := len(g)
	oh, ow := h-s+1, w-s+1
	for r := range h {
		for c := range ow {
			var sum [4]float64
			for k, gk := range g {
				a, b := float64(x[r*w+c+k]), float64(y[r*w+c+k])
				sum[0] += gk * a
				sum[1] += gk * b
				sum[2] += gk * (a*a + b*b)
				sum[3] += gk * a * b
			}
			for q := range sum {
				maps[q][r*ow+c] = sum[q]
			}
		}
	}
	total := 0.0
	for r := range oh {
		for c := range ow {
			var sum [4]float64
			for q := range sum {
				for k, gk := range g {
					sum[q] += gk * maps[q][(r+k)*ow+c]
				}
			}
			total += stat(sum[0], sum[1], sum[2], sum[3])
		}
	}
	return total
}
