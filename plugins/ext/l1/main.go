// Command l1 is dnw's built-in L1 metric as a WASM extension: the mean absolute
// difference of a batch's values, pix2pix's reconstruction term (lower is better).
// It equals the host's reference (host/internal/metrics) within 1e-5.
package main

import "dnw/sdk/ext"

func init() {
	ext.Metric(ext.Info{Name: "l1", Version: "1.0.0",
		Description: "mean |prediction − target| over the batch, values in [-1, 1] (lower is better)"}, l1)
}

func main() {}

func l1(pred, target ext.Images) ext.Score {
	return ext.Score{Value: sumAbs(pred.Pix, target.Pix) / float64(len(pred.Pix))}
}

// sumAbs is Σ|a−b|, eight values per iteration (see psnr's sumSquares for why).
func sumAbs(a, b []float32) float64 {
	b = b[:len(a)]
	s := 0.0
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s += float64(abs(x[0]-y[0])+abs(x[1]-y[1])+abs(x[2]-y[2])+abs(x[3]-y[3])) +
			float64(abs(x[4]-y[4])+abs(x[5]-y[5])+abs(x[6]-y[6])+abs(x[7]-y[7]))
	}
	for ; i < len(a); i++ {
		s += float64(abs(a[i] - b[i]))
	}
	return s
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
