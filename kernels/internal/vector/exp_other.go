//go:build !amd64 || purego

package vector

// HasExp: no vector path on this architecture (or with the purego tag).
const HasExp = false

// Exp takes no values: the caller computes all of them one at a time.
func Exp(dst, x []float32) int { return 0 }

// Sigmoid takes no values: the caller computes all of them one at a time.
func Sigmoid(dst, x []float32) int { return 0 }

// Phi takes no values: the caller computes all of them one at a time.
func Phi(dst, x []float32) int { return 0 }
