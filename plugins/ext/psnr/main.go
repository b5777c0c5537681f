// Command psnr is dnw's built-in PSNR metric as a WASM extension: the peak
// signal-to-noise ratio in dB of a batch, 10·log10(1/MSE) over all its values with
// [-1, 1] mapped to [0, 1]. It equals the host's reference (host/internal/metrics)
// within 1e-5, capped at 100 dB for identical batches.
package main

import (
	"math"

	"dnw/sdk/ext"
)

func init() {
	ext.Metric(ext.Info{Name: "psnr", Version: "1.0.0", HigherIsBetter: true,
		Description: "peak signal-to-noise ratio in dB over the batch, images mapped to [0, 1]; 100 for identical images"}, psnr)
}

func main() {}

func psnr(pred, target ext.Images) ext.Score {
	mse := sumSquares(pred.Pix, target.Pix) / 4 / float64(len(pred.Pix)) // halved differences: [-1, 1] → [0, 1]
	if mse < 1e-10 {
		return ext.Score{Value: 100}
	}
	return ext.Score{Value: 10 * math.Log10(1/mse)}
}

// sumSquares is Σ(a−b)², eight values per iteration: wazero's deadline check runs at
// every loop iteration (docs/benchmarks.md, "WASM extensions"), so fewer, longer
// iterations cost less. Each group of eight sums in float32 before widening.
func sumSquares(a, b []float32) float64 {
	b = b[:len(a)]
	s := 0.0
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		d0, d1, d2, d3 := x[0]-y[0], x[1]-y[1], x[2]-y[2], x[3]-y[3]
		d4, d5, d6, d7 := x[4]-y[4], x[5]-y[5], x[6]-y[6], x[7]-y[7]
		s += float64(d0*d0+d1*d1+d2*d2+d3*d3) + float64(d4*d4+d5*d5+d6*d6+d7*d7)
	}
	for ; i < len(a); i++ {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return s
}
