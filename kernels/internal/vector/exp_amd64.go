//go:build !purego

package vector

import "golang.org/x/sys/cpu"

// Available: the processor runs this package's assembly (AVX2 for the integer
// exponent arithmetic, FMA for the polynomials); without it every function takes no
// values.
var Available = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// Each of these computes eight values per instruction (exp_amd64.s): it writes
// dst[0:k] = f(x[0:k]) and returns k, stopping at the first group of eight that holds
// a value it leaves to the caller (where e^x would leave the normal float32 range,
// or a NaN), or when fewer than eight are left.
//
//go:noescape
func expAVX2(dst, x *float32, n int) int

//go:noescape
func sigmoidAVX2(dst, x *float32, n int) int

//go:noescape
func siluAVX2(dst, x *float32, n int) int

//go:noescape
func phiAVX2(dst, x *float32, n int) int

// Exp writes e^x into a prefix of dst and returns how many values it wrote: whole
// groups of eight, up to the first group holding a value outside [−87, 88] or a NaN.
func Exp(dst, x []float32) int { return groups(expAVX2, dst, x) }

// Sigmoid is Exp for σ(x) = 1/(1 + e^−x); it stops at a value outside [−88, 87].
func Sigmoid(dst, x []float32) int { return groups(sigmoidAVX2, dst, x) }

// SiLU is Exp for x·σ(x); it stops where Sigmoid does.
func SiLU(dst, x []float32) int { return groups(siluAVX2, dst, x) }

// Phi is Exp for the standard normal CDF Φ(x); it stops at a value beyond about ±13.
func Phi(dst, x []float32) int { return groups(phiAVX2, dst, x) }

// groups runs f over x where the processor has the instructions and x holds a group.
func groups(f func(dst, x *float32, n int) int, dst, x []float32) int {
	if !Available || len(x) < 8 {
		return 0
	}
	_ = dst[len(x)-1]
	return f(&dst[0], &x[0], len(x))
}
