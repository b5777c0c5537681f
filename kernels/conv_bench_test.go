package kernels

// Benchmarks of the reference convolution on the E2GAN-like stride-2 downsampling
// layer: x (4, 32, 64, 64), w (64, 32, 3, 3), stride 2, pad 1 → y (4, 64, 32, 32),
// float32. Each reports ns/op and GFLOP/s (2·N·F·OH·OW·C·K·K flops per pass).
// Run from the repository root:
//
//	go test ./kernels/ -run '^$' -bench Conv -benchtime 10x
//
// Compare backends or changes with benchstat over -count 10 runs.

import (
	"math/rand/v2"
	"testing"
)

var benchConv = ConvShape{N: 4, C: 32, H: 64, W: 64, F: 64, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}

// benchConvData returns x, w, bias and dy for benchConv.
func benchConvData() (x, w, bias, dy []float32) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := benchConv
	return asFloat32(randn(rng, s.N*s.C*s.H*s.W)), asFloat32(randn(rng, s.F*s.C*s.KH*s.KW)),
		asFloat32(randn(rng, s.F)), asFloat32(randn(rng, s.N*s.F*s.OutH()*s.OutW()))
}

func reportConvFlops(b *testing.B) {
	s := benchConv
	flops := 2 * float64(s.N*s.F*s.OutH()*s.OutW()*s.C*s.KH*s.KW)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkConv2dForward(b *testing.B) {
	x, w, bias, dy := benchConvData()
	y := make([]float32, len(dy))
	for b.Loop() {
		Conv2d(y, x, w, bias, benchConv)
	}
	reportConvFlops(b)
}

func BenchmarkConv2dBackwardData(b *testing.B) {
	x, w, _, dy := benchConvData()
	dx := make([]float32, len(x))
	for b.Loop() {
		Conv2dBackwardData(dx, dy, w, benchConv)
	}
	reportConvFlops(b)
}

func BenchmarkConv2dBackwardFilter(b *testing.B) {
	x, w, bias, dy := benchConvData()
	dw, db := make([]float32, len(w)), make([]float32, len(bias))
	for b.Loop() {
		Conv2dBackwardFilter(dw, db, dy, x, benchConv)
	}
	reportConvFlops(b)
}
