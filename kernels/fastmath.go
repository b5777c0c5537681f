package kernels

import (
	"math"

	"dnw/kernels/internal/vector"
)

// float32 transcendentals for the activations' float32 paths. Going through float64
// math.Exp and math.Erf made SiLU, GELU and the sigmoid more than half of the weight
// generator's prediction time (docs/benchmarks.md); these stay in float32 and need no
// branches on the common path. Against the float64 functions (fastmath_test.go, dense
// grids): e^x and the sigmoid within 5e-7 relative, Φ within 5e-6 for |x| ≤ 5.6 and
// 3e-5 in the lower tail, where the float32 rounding of x² limits any float32
// evaluation. The float64 paths, which the gradient checks use, keep the math
// package. Each works on a slice, which callers cut into blocks of at most
// activationBlock values held on the stack.

// exp32 is e^x in float32 (exp32s for one value).
func exp32(x float32) float32 {
	v := [1]float32{x}
	exp32s(v[:], v[:])
	return v[0]
}

// exp32s writes e^x[i] into dst[i] (dst may be x), after Cephes' expf (S. L. Moshier,
// cephes/single/expf.c): x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-7
// polynomial, times 2^n put straight into the exponent bits. Relative error ≤ 2e-7
// where the result is a normal float32; outside (−87, 88), where it underflows or
// overflows, math.Exp. Where the processor has them (internal/vector), vector
// instructions compute eight values at once; exp32Scalar takes the rest: the values
// beyond the last whole group of eight, and any group holding a value out of range.
func exp32s(dst, x []float32) {
	dst = dst[:len(x)]
	vectorThenScalar(len(x), func(i int) int { return vector.Exp(dst[i:], x[i:]) },
		func(lo, hi int) { exp32Scalar(dst[lo:hi], x[lo:hi]) })
}

// vectorThenScalar computes n values: vec(i) those from i on that vector instructions
// take (whole groups of eight, none without them), scalar(lo, hi) the group after
// those, and so on to the end.
func vectorThenScalar(n int, vec func(i int) int, scalar func(lo, hi int)) {
	if !vector.Available {
		scalar(0, n)
		return
	}
	for i := 0; i < n; {
		i += vec(i)
		end := min(i+8, n)
		scalar(i, end)
		i = end
	}
}

// exp32Scalar is exp32s one value at a time. It works on slices because the
// iterations are independent, so the processor overlaps their polynomial chains,
// which one call per value (the body is too large to inline) keeps apart.
func exp32Scalar(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		if v < -87 || v > 88 || v != v {
			dst[i] = float32(math.Exp(float64(v)))
			continue
		}
		const (
			log2e = 1.44269504088896341
			ln2Hi = 0.693359375 // ln 2 split in two so that n·ln2Hi is exact (Cody & Waite)
			ln2Lo = -2.12194440e-4
		)
		// n = round(v·log₂e) = ⌊v·log₂e + 0.5⌋, by truncating a positive number (one
		// instruction and no branch: a sign test here mispredicted on half of random
		// inputs); v ≥ −87 keeps v·log₂e + 128.5 above zero.
		n := float32(int32(v*log2e+128.5)) - 128
		r := v - n*ln2Hi - n*ln2Lo
		p := float32(1.9875691500e-4)
		p = p*r + 1.3981999507e-3
		p = p*r + 8.3334519073e-3
		p = p*r + 4.1665795894e-2
		p = p*r + 1.6666665459e-1
		p = p*r + 5.0000001201e-1
		dst[i] = (p*r*r + r + 1) * math.Float32frombits(uint32(int32(n)+127)<<23)
	}
}

// sigmoid32s writes σ(x[i]) = 1/(1 + e^−x[i]) into dst[i] (dst may be x); e^−x
// overflowing to +Inf gives 0, as it should. As exp32s, vector instructions take the
// groups of eight they can.
func sigmoid32s(dst, x []float32) {
	dst = dst[:len(x)]
	vectorThenScalar(len(x), func(i int) int { return vector.Sigmoid(dst[i:], x[i:]) },
		func(lo, hi int) { sigmoid32Scalar(dst[lo:hi], x[lo:hi]) })
}

// sigmoid32Scalar is sigmoid32s through exp32Scalar.
func sigmoid32Scalar(dst, x []float32) {
	for i, v := range x {
		dst[i] = -v
	}
	exp32Scalar(dst, dst)
	for i, e := range dst {
		dst[i] = 1 / (1 + e)
	}
}

// phi32s writes the standard normal CDF Φ(x[i]) = erfc(−x[i]/√2)/2 into dst[i] (dst may
// be x), with erfc by the Chebyshev fit of Numerical Recipes (Press et al., 2nd ed.,
// §6.2, erfcc), whose fractional error is below 1.2e-7 everywhere: relative accuracy
// in the tails too, where 1 − erf would cancel (GELU's Φ(x) for x ≪ 0). scratch holds
// len(x) values. As exp32s, vector instructions take the groups of eight they can.
func phi32s(dst, x, scratch []float32) {
	dst = dst[:len(x)]
	vectorThenScalar(len(x), func(i int) int { return vector.Phi(dst[i:], x[i:]) },
		func(lo, hi int) { phi32Scalar(dst[lo:hi], x[lo:hi], scratch[lo:hi]) })
}

// phi32Scalar is phi32s one value at a time (and exp32s on the slice).
func phi32Scalar(dst, x, scratch []float32) {
	dst, t := dst[:len(x)], scratch[:len(x)]
	for i, v := range x {
		z := v * (1 / math.Sqrt2) // erfc(−z) = 2 − erfc(z)
		if z < 0 {
			z = -z
		}
		t[i] = 1 / (1 + 0.5*z)
		p := float32(0.17087277)
		p = p*t[i] - 0.82215223
		p = p*t[i] + 1.48851587
		p = p*t[i] - 1.13520398
		p = p*t[i] + 0.27886807
		p = p*t[i] - 0.18628806
		p = p*t[i] + 0.09678418
		p = p*t[i] + 0.37409196
		p = p*t[i] + 1.00002368
		p = p*t[i] - 1.26551223
		if v > 0 {
			t[i] = -t[i] // keeps the sign of x, which dst may overwrite
		}
		dst[i] = -z*z + p // the exponent
	}
	exp32s(dst, dst)
	for i, ti := range t {
		if ti < 0 {
			dst[i] = 1 + 0.5*ti*dst[i] // 1 − erfc(|z|)/2
		} else {
			dst[i] = 0.5 * ti * dst[i]
		}
	}
}
