//go:build !amd64 || purego

package kernels

// hasExp32Vector: no vector path on this architecture (or with the purego tag).
const hasExp32Vector = false

// exp32Vector takes no values: exp32s computes all of them one at a time.
func exp32Vector(dst, x []float32) int { return 0 }
