package kernels

import (
	"math"

	"dnw/kernels/internal/vector"
)

// Smooth and gating activations, element-wise over slices of any shape. gorgonia lacks
// GELU and SiLU (docs/dependencies.md); Sigmoid and ReLU are here so the weight
// generator's 1-D UNet runs on one set of kernels. Transcendentals are evaluated in
// float32 for float32 slices (fastmath.go) and with the math package for float64, and
// split over the workers for long slices (forRange): they were more than half of the
// weight generator's prediction time. Every function here allows dst (or dx) to be the
// same slice as one of its inputs.

// GELU is the exact Gaussian error linear unit (Hendrycks & Gimpel 2016), torch's
// default torch.nn.GELU(approximate='none'):
//
//	dst[i] = x·Φ(x) = x/2·(1 + erf(x/√2))
func GELU[T Float](dst, x []T) {
	needLen("GELU", "dst", len(dst), len(x))
	if d, x, ok := float32s(dst, x); ok {
		inBlocks(len(x), func(lo, hi int, phi, scratch []float32) {
			phi32s(phi, x[lo:hi], scratch)
			for i, p := range phi {
				d[lo+i] = x[lo+i] * p
			}
		})
		return
	}
	forRange(len(x), func(lo, hi int) {
		for i, v := range x[lo:hi] {
			f := float64(v)
			dst[lo+i] = T(0.5 * f * (1 + math.Erf(f/math.Sqrt2)))
		}
	})
}

// GELUBackward is the backward pass of GELU:
//
//	dx[i] = dy·(Φ(x) + x·φ(x)),   φ(x) = exp(−x²/2)/√(2π)
func GELUBackward[T Float](dx, dy, x []T) {
	needLen("GELUBackward", "dx", len(dx), len(x))
	needLen("GELUBackward", "dy", len(dy), len(x))
	const invSqrt2Pi = 0.3989422804014327 // 1/√(2π)
	if d, dy, x, ok := float32s3(dx, dy, x); ok {
		inBlocks(len(x), func(lo, hi int, phi, pdf []float32) {
			phi32s(phi, x[lo:hi], pdf) // pdf is scratch until it is filled below
			for i, f := range x[lo:hi] {
				pdf[i] = -0.5 * f * f
			}
			exp32s(pdf, pdf)
			for i, f := range x[lo:hi] {
				d[lo+i] = dy[lo+i] * (phi[i] + f*invSqrt2Pi*pdf[i])
			}
		})
		return
	}
	forRange(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			f := float64(x[i])
			cdf := 0.5 * (1 + math.Erf(f/math.Sqrt2))
			pdf := invSqrt2Pi * math.Exp(-0.5*f*f)
			dx[i] = T(float64(dy[i]) * (cdf + f*pdf))
		}
	})
}

// sigmoid64 is 1/(1 + e^−x), evaluated so that neither branch overflows.
func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// SiLU is the sigmoid linear unit, a.k.a. swish (Elfwing et al. 2017; torch.nn.SiLU):
//
//	dst[i] = x·σ(x),   σ(x) = 1/(1 + e^−x)
func SiLU[T Float](dst, x []T) {
	needLen("SiLU", "dst", len(dst), len(x))
	if d, x, ok := float32s(dst, x); ok {
		inBlocks(len(x), func(lo, hi int, sig, _ []float32) {
			done := vector.SiLU(d[lo:hi], x[lo:hi]) // as much as vector instructions take
			sigmoid32s(sig[done:], x[lo+done:hi])
			for i, s := range sig[done:] {
				d[lo+done+i] = x[lo+done+i] * s
			}
		})
		return
	}
	forRange(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			f := float64(x[i])
			dst[i] = T(f * sigmoid64(f))
		}
	})
}

// SiLUBackward is the backward pass of SiLU:
//
//	dx[i] = dy·σ(x)·(1 + x·(1 − σ(x)))
func SiLUBackward[T Float](dx, dy, x []T) {
	needLen("SiLUBackward", "dx", len(dx), len(x))
	needLen("SiLUBackward", "dy", len(dy), len(x))
	if d, dy, x, ok := float32s3(dx, dy, x); ok {
		inBlocks(len(x), func(lo, hi int, sig, _ []float32) {
			sigmoid32s(sig, x[lo:hi])
			for i, s := range sig {
				f := x[lo+i]
				d[lo+i] = dy[lo+i] * s * (1 + f*(1-s))
			}
		})
		return
	}
	forRange(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			f := float64(x[i])
			s := sigmoid64(f)
			dx[i] = T(float64(dy[i]) * s * (1 + f*(1-s)))
		}
	})
}

// Sigmoid is the logistic function, as torch.sigmoid, stable for large |x|:
//
//	dst[i] = σ(x) = 1/(1 + e^−x)
func Sigmoid[T Float](dst, x []T) {
	needLen("Sigmoid", "dst", len(dst), len(x))
	if d, x, ok := float32s(dst, x); ok {
		forRange(len(x), func(lo, hi int) { sigmoid32s(d[lo:hi], x[lo:hi]) })
		return
	}
	forRange(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst[i] = T(sigmoid64(float64(x[i])))
		}
	})
}

// SigmoidBackward is the backward pass of Sigmoid from its output y = σ(x):
//
//	dx[i] = dy·y·(1 − y)
func SigmoidBackward[T Float](dx, dy, y []T) {
	needLen("SigmoidBackward", "dx", len(dx), len(y))
	needLen("SigmoidBackward", "dy", len(dy), len(y))
	for i, v := range y {
		dx[i] = dy[i] * v * (1 - v)
	}
}

// ReLU is the rectifier, as torch.nn.ReLU (a NaN stays NaN):
//
//	dst[i] = max(x, 0)
func ReLU[T Float](dst, x []T) {
	needLen("ReLU", "dst", len(dst), len(x))
	for i, v := range x {
		if v <= 0 {
			dst[i] = 0
		} else {
			dst[i] = v
		}
	}
}

// ReLUBackward is the backward pass of ReLU; the subgradient at 0 is 0, as torch:
//
//	dx[i] = dy if x > 0, else 0
func ReLUBackward[T Float](dx, dy, x []T) {
	needLen("ReLUBackward", "dx", len(dx), len(x))
	needLen("ReLUBackward", "dy", len(dy), len(x))
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}

// activationBlock is how many values the float32 activations take at a time: two
// blocks of scratch fit on the stack and in L1.
const activationBlock = 512

// inBlocks calls body(lo, hi, a, b) over consecutive blocks [lo, hi) of at most
// activationBlock values covering [0, n), split over the workers as forRange does;
// a and b are scratch slices of length hi − lo.
func inBlocks(n int, body func(lo, hi int, a, b []float32)) {
	forRange(n, func(lo, hi int) {
		var a, b [activationBlock]float32
		for i := lo; i < hi; i += activationBlock {
			end := min(i+activationBlock, hi)
			body(i, end, a[:end-i], b[:end-i])
		}
	})
}

// float32s returns a and b as float32 slices when T is float32, for the fast paths.
func float32s[T Float](a, b []T) ([]float32, []float32, bool) {
	a32, ok := any(a).([]float32)
	if !ok {
		return nil, nil, false
	}
	return a32, any(b).([]float32), true
}

// float32s3 is float32s for three slices.
func float32s3[T Float](a, b, c []T) ([]float32, []float32, []float32, bool) {
	a32, b32, ok := float32s(a, b)
	if !ok {
		return nil, nil, nil, false
	}
	return a32, b32, any(c).([]float32), true
}
