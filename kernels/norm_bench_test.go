package kernels

import (
	"math/rand/v2"
	"testing"
)

// E2GAN-like sizes (docs/dependencies.md): a batch of 4 feature maps of 128 channels at
// 16×16 after two stride-2 downsamples of 64×64, group norm with 32 groups as in
// diffusers' ResBlocks; token layer norm over the same map as 4·256 tokens of width 128.
const benchN, benchC, benchHW, benchGroups = 4, 128, 16 * 16, 32

// benchRandn32 returns n standard-normal float32 values from a fixed seed.
func benchRandn32(n int) []float32 {
	return asFloat32(randn(rand.New(rand.NewPCG(1, 2)), n))
}

func BenchmarkGroupNormForward(b *testing.B) {
	x := benchRandn32(benchN * benchC * benchHW)
	gamma, beta := benchRandn32(benchC), benchRandn32(benchC)
	y := make([]float32, len(x))
	mean, rstd := make([]float32, benchN*benchGroups), make([]float32, benchN*benchGroups)
	b.SetBytes(int64(4 * 2 * len(x)))
	for b.Loop() {
		GroupNorm(y, mean, rstd, x, gamma, beta, benchN, benchC, benchHW, benchGroups, 1e-5)
	}
}

func BenchmarkGroupNormBackward(b *testing.B) {
	x, dy := benchRandn32(benchN*benchC*benchHW), benchRandn32(benchN*benchC*benchHW)
	gamma, beta := benchRandn32(benchC), benchRandn32(benchC)
	y, dx := make([]float32, len(x)), make([]float32, len(x))
	mean, rstd := make([]float32, benchN*benchGroups), make([]float32, benchN*benchGroups)
	dgamma, dbeta := make([]float32, benchC), make([]float32, benchC)
	GroupNorm(y, mean, rstd, x, gamma, beta, benchN, benchC, benchHW, benchGroups, 1e-5)
	b.SetBytes(int64(4 * 3 * len(x)))
	for b.Loop() {
		GroupNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma, benchN, benchC, benchHW, benchGroups)
	}
}

func BenchmarkLayerNormForward(b *testing.B) {
	const rows, d = benchN * benchHW, benchC
	x := benchRandn32(rows * d)
	gamma, beta := benchRandn32(d), benchRandn32(d)
	y := make([]float32, len(x))
	mean, rstd := make([]float32, rows), make([]float32, rows)
	b.SetBytes(int64(4 * 2 * len(x)))
	for b.Loop() {
		LayerNorm(y, mean, rstd, x, gamma, beta, rows, d, 1e-5)
	}
}

func BenchmarkLayerNormBackward(b *testing.B) {
	const rows, d = benchN * benchHW, benchC
	x, dy := benchRandn32(rows*d), benchRandn32(rows*d)
	gamma, beta := benchRandn32(d), benchRandn32(d)
	y, dx := make([]float32, len(x)), make([]float32, len(x))
	mean, rstd := make([]float32, rows), make([]float32, rows)
	dgamma, dbeta := make([]float32, d), make([]float32, d)
	LayerNorm(y, mean, rstd, x, gamma, beta, rows, d, 1e-5)
	b.SetBytes(int64(4 * 3 * len(x)))
	for b.Loop() {
		LayerNormBackward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma, rows, d)
	}
}
