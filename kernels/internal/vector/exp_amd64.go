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
