//go:build !purego

package vector

import "golang.org/x/sys/cpu"

// HasExp: the processor runs expAVX2 (AVX2 for the integer exponent arithmetic, FMA
// for the polynomial).
var HasExp = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// expAVX2 computes eight values per instruction (exp_amd64.s). It writes
// dst[0:k] = e^x[0:k] and returns k: it stops at the first group of eight that holds
// a value outside [−87, 88] or a NaN, or when fewer than eight are left.
//
//go:noescape
func expAVX2(dst, x *float32, n int) int

// Exp writes e^x into a prefix of dst, as many values as the vector path takes, and
// returns how many: whole groups of eight, up to the first group that holds a value
// outside [−87, 88] or a NaN.
func Exp(dst, x []float32) int {
	if !HasExp || len(x) < 8 {
		return 0
	}
	_ = dst[len(x)-1]
	return expAVX2(&dst[0], &x[0], len(x))
}

// sigmoidAVX2 is expAVX2 for σ(x) = 1/(1 + e^−x): it stops where −x is out of range.
//
//go:noescape
func sigmoidAVX2(dst, x *float32, n int) int

// Sigmoid writes σ(x) = 1/(1 + e^−x) into a prefix of dst as Exp does e^x, and
// returns how many: whole groups of eight, up to the first group that holds a value
// outside [−88, 87] or a NaN.
func Sigmoid(dst, x []float32) int {
	if !HasExp || len(x) < 8 {
		return 0
	}
	_ = dst[len(x)-1]
	return sigmoidAVX2(&dst[0], &x[0], len(x))
}

// phiAVX2 is expAVX2 for the standard normal CDF Φ(x): it stops where |x| is above
// about 13.
//
//go:noescape
func phiAVX2(dst, x *float32, n int) int

// Phi writes the standard normal CDF Φ(x) into a prefix of dst as Exp does e^x, and
// returns how many: whole groups of eight, up to the first group that holds a NaN or
// a value beyond about ±13.
func Phi(dst, x []float32) int {
	if !HasExp || len(x) < 8 {
		return 0
	}
	_ = dst[len(x)-1]
	return phiAVX2(&dst[0], &x[0], len(x))
}

// siluAVX2 is sigmoidAVX2 for x·σ(x).
//
//go:noescape
func siluAVX2(dst, x *float32, n int) int

// SiLU writes x·σ(x) into a prefix of dst as Sigmoid does σ(x), and returns how many.
func SiLU(dst, x []float32) int {
	if !HasExp || len(x) < 8 {
		return 0
	}
	_ = dst[len(x)-1]
	return siluAVX2(&dst[0], &x[0], len(x))
}
