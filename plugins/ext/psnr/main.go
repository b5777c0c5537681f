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

// sumSquares is Σ(a−b)², 32 values per loop iteration, written out: wazero's
// deadline check costs about 30 ns at every pass through a loop header, and Go's
// wasm code passes one at every call that is not inlined too (docs/benchmarks.md,
// "What the deadline costs"), so few, long iterations cost less. Each group of
// eight sums in float32 before widening.
func sumSquares(a, b []float32) float64 {
	b = b[:len(a)]
	s := 0.0
	i := 0
	for ; i+32 <= len(a); i += 32 {
		x, y := a[i:i+32:i+32], b[i:i+32:i+32]
		d0, d1, d2, d3, d4, d5, d6, d7 := x[0]-y[0], x[1]-y[1], x[2]-y[2], x[3]-y[3], x[4]-y[4], x[5]-y[5], x[6]-y[6], x[7]-y[7]
		s0 := d0*d0 + d1*d1 + d2*d2 + d3*d3 + d4*d4 + d5*d5 + d6*d6 + d7*d7
		d0, d1, d2, d3, d4, d5, d6, d7 = x[8]-y[8], x[9]-y[9], x[10]-y[10], x[11]-y[11], x[12]-y[12], x[13]-y[13], x[14]-y[14], x[15]-y[15]
		s1 := d0*d0 + d1*d1 + d2*d2 + d3*d3 + d4*d4 + d5*d5 + d6*d6 + d7*d7
		d0, d1, d2, d3, d4, d5, d6, d7 = x[16]-y[16], x[17]-y[17], x[18]-y[18], x[19]-y[19], x[20]-y[20], x[21]-y[21], x[22]-y[22], x[23]-y[23]
		s2 := d0*d0 + d1*d1 + d2*d2 + d3*d3 + d4*d4 + d5*d5 + d6*d6 + d7*d7
		d0, d1, d2, d3, d4, d5, d6, d7 = x[24]-y[24], x[25]-y[25], x[26]-y[26], x[27]-y[27], x[28]-y[28], x[29]-y[29], x[30]-y[30], x[31]-y[31]
		s3 := d0*d0 + d1*d1 + d2*d2 + d3*d3 + d4*d4 + d5*d5 + d6*d6 + d7*d7
		s += float64(s0+s1) + float64(s2+s3)
	}
	for ; i < len(a); i++ {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return s
}
