package kernels

import "math"

// float32 transcendentals for the activations' float32 paths. Going through float64
// math.Exp and math.Erf made SiLU, GELU and the sigmoid more than half of the weight
// generator's prediction time (docs/benchmarks.md); these stay in float32 and need no
// branches on the common path. Against the float64 functions (fastmath_test.go, dense
// grids): e^x and the sigmoid within 3e-7 relative, erfc and Φ within 2e-6 for
// |x| ≤ 4 and 1e-5 in the far tails, where the float32 rounding of x² limits any
// float32 evaluation. The float64 paths, which the gradient checks use, keep the math
// package.

// exp32 is e^x in float32, after Cephes' expf (S. L. Moshier, cephes/single/expf.c):
// x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-7 polynomial, times 2^n put
// straight into the exponent bits. Relative error ≤ 2e-7 where the result is a
// normal float32; outside (−87, 88), where it underflows or overflows, math.Exp.
func exp32(x float32) float32 {
	if x < -87 || x > 88 || x != x {
		return float32(math.Exp(float64(x)))
	}
	const (
		log2e = 1.44269504088896341
		ln2Hi = 0.693359375 // ln 2 split in two so that n·ln2Hi is exact (Cody & Waite)
		ln2Lo = -2.12194440e-4
	)
	// n = round(x·log₂e), half away from zero, by truncation (one instruction, where
	// math.Floor is a call)
	k := x * log2e
	if k < 0 {
		k -= 0.5
	} else {
		k += 0.5
	}
	n := float32(int32(k))
	r := x - n*ln2Hi - n*ln2Lo
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	y := p*r*r + r + 1
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// sigmoid32 is 1/(1 + e^−x) in float32; e^−x overflowing to +Inf gives 0, as it should.
func sigmoid32(x float32) float32 { return 1 / (1 + exp32(-x)) }

// erfc32 is the complementary error function in float32 by the Chebyshev fit of
// Numerical Recipes (Press et al., 2nd ed., §6.2, erfcc), whose fractional error is
// below 1.2e-7 everywhere: relative accuracy in the tails too, where 1 − erf would
// cancel (GELU's Φ(x) for x ≪ 0).
func erfc32(x float32) float32 {
	z := x
	if z < 0 {
		z = -z
	}
	t := 1 / (1 + 0.5*z)
	p := float32(0.17087277)
	p = p*t - 0.82215223
	p = p*t + 1.48851587
	p = p*t - 1.13520398
	p = p*t + 0.27886807
	p = p*t - 0.18628806
	p = p*t + 0.09678418
	p = p*t + 0.37409196
	p = p*t + 1.00002368
	p = p*t - 1.26551223
	ans := t * exp32(-z*z+p)
	if x < 0 {
		return 2 - ans
	}
	return ans
}

// phi32 is the standard normal CDF Φ(x) = erfc(−x/√2)/2 in float32.
func phi32(x float32) float32 { return 0.5 * erfc32(-x*(1/math.Sqrt2)) }
