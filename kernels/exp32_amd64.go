//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// hasExp32Vector: the processor runs exp32AVX2 (AVX2 for the integer exponent
// arithmetic, FMA for the polynomial).
var hasExp32Vector = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// exp32AVX2 is exp32s's computation on eight values per instruction (exp32_amd64.s).
// It writes dst[0:k] = e^x[0:k] and returns k: it stops at the first group of eight
// that holds a value exp32s sends to math.Exp, or when fewer than eight are left.
//
//go:noescape
func exp32AVX2(dst, x *float32, n int) int

// exp32Vector writes e^x into a prefix of dst, as many values as the vector path
// takes, and returns how many.
func exp32Vector(dst, x []float32) int {
	if !hasExp32Vector || len(x) < 8 {
		return 0
	}
	return exp32AVX2(&dst[0], &x[0], len(x))
}
