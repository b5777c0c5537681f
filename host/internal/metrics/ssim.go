package metrics

import (
	"fmt"
	"math"

	"dnw/sdk/ext"
)

// The constants of SSIM as Wang et al. (2004) define it, section III.C and the
// experiments of section IV: an 11×11 circular-symmetric Gaussian window of
// standard deviation 1.5, K1 = 0.01, K2 = 0.03, dynamic range L (here 1: images
// mapped from [-1, 1] to [0, 1]). pytorch-msssim (github.com/VainF/pytorch-msssim,
// ssim()) uses the same defaults.
const (
	ssimWindow = 11
	ssimSigma  = 1.5
	ssimK1     = 0.01
	ssimK2     = 0.03
)

// ssimWindowSize is the side of the window SSIM uses on images of h×w pixels: 11,
// or for smaller images the smaller side, made odd (one less when even), with the
// same σ = 1.5 Gaussian cut to that size and renormalized. (pytorch-msssim warns
// and computes nothing useful there; a small window still scores structure.)
func ssimWindowSize(h, w int) int {
	s := min(ssimWindow, h, w)
	if s%2 == 0 {
		s--
	}
	return s
}

// ssimGaussian is the normalized 1-D Gaussian of size taps and σ = ssimSigma,
// centred: g[k] ∝ exp(−(k − size/2)²/(2σ²)), Σg = 1. The 2-D window is g gᵀ.
func ssimGaussian(size int) []float64 {
	g := make([]float64, size)
	sum := 0.0
	for k := range g {
		d := float64(k - size/2)
		g[k] = math.Exp(-d * d / (2 * ssimSigma * ssimSigma))
		sum += g[k]
	}
	for k := range g {
		g[k] /= sum
	}
	return g
}

// SSIM is the mean structural similarity index of a batch of predictions against
// their targets (Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli, "Image
// quality assessment: from error visibility to structural similarity", IEEE
// Transactions on Image Processing 13(4), 2004, eq. 13 and section III.C):
//
//	SSIM(x, y) = (2·μx·μy + C1)(2·σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
//
// with C1 = (K1·L)², C2 = (K2·L)², L = 1 on images mapped from [-1, 1] to [0, 1]
// by (v+1)/2, and μ, σ², σxy the local means, variances and covariance under
// the Gaussian window w (ssimWindowSize, ssimGaussian): μx = w∗x,
// σx² = w∗x² − μx², σxy = w∗(x·y) − μx·μy. The map is computed per channel over
// the "valid" positions only, where the window lies wholly inside the image (no
// padding, as pytorch-msssim does), and averaged over the positions, the channels
// and the images. Identical images score 1; higher is better.
//
// pred and target must have the same shape with at least one pixel; SSIM panics
// otherwise.
func SSIM(pred, target ext.Images) float64 {
	if pred.N != target.N || pred.C != target.C || pred.H != target.H || pred.W != target.W ||
		len(pred.Pix) != pred.N*pred.Len() || len(target.Pix) != len(pred.Pix) || len(pred.Pix) == 0 {
		panic(fmt.Sprintf("metrics: SSIM of images (%d, %d, %d, %d) and (%d, %d, %d, %d) holding %d and %d values",
			pred.N, pred.C, pred.H, pred.W, target.N, target.C, target.H, target.W, len(pred.Pix), len(target.Pix)))
	}
	h, w := pred.H, pred.W
	s := ssimWindowSize(h, w)
	g := ssimGaussian(s)
	oh, ow := h-s+1, w-s+1
	c1, c2 := ssimK1*ssimK1, ssimK2*ssimK2

	// The five filtered maps of one plane: first along rows (h × ow), then along
	// columns (oh × ow).
	var rows, maps [5][]float64
	for q := range rows {
		rows[q] = make([]float64, h*ow)
		maps[q] = make([]float64, oh*ow)
	}
	total := 0.0
	for p := 0; p < pred.N*pred.C; p++ {
		x, y := pred.Pix[p*h*w:(p+1)*h*w], target.Pix[p*h*w:(p+1)*h*w]
		for r := range h {
			for c := range ow {
				var sum [5]float64
				for k, gk := range g {
					a := (float64(x[r*w+c+k]) + 1) / 2
					b := (float64(y[r*w+c+k]) + 1) / 2
					sum[0] += gk * a
					sum[1] += gk * b
					sum[2] += gk * a * a
					sum[3] += gk * b * b
					sum[4] += gk * a * b
				}
				for q := range sum {
					rows[q][r*ow+c] = sum[q]
				}
			}
		}
		for r := range oh {
			for c := range ow {
				for q := range maps {
					v := 0.0
					for k, gk := range g {
						v += gk * rows[q][(r+k)*ow+c]
					}
					maps[q][r*ow+c] = v
				}
			}
		}
		for i := range oh * ow {
			mx, my := maps[0][i], maps[1][i]
			vx, vy, cxy := maps[2][i]-mx*mx, maps[3][i]-my*my, maps[4][i]-mx*my
			total += (2*mx*my + c1) * (2*cxy + c2) / ((mx*mx + my*my + c1) * (vx + vy + c2))
		}
	}
	return total / float64(pred.N*pred.C*oh*ow)
}
