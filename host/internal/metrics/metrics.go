package metrics

import "math"

// PSNR is the peak signal-to-noise ratio in dB over images mapped to [0, 1]:
// 10·log10(1/MSE), where [-1, 1] values are halved so the peak is 1 (values differ
// by (a−b)/2). Identical images score +Inf; it is capped at 100 dB.
func PSNR(pred, target []float32) float64 {
	mse := 0.0
	for i := range pred {
		d := float64(pred[i]-target[i]) / 2
		mse += d * d
	}
	mse /= float64(len(pred))
	if mse < 1e-10 {
		return 100
	}
	return 10 * math.Log10(1/mse)
}

// L1 is mean |pred − target|, the reconstruction term of pix2pix's objective.
func L1(pred, target []float32) float64 {
	s := 0.0
	for i := range pred {
		s += math.Abs(float64(pred[i] - target[i]))
	}
	return s / float64(len(pred))
}
