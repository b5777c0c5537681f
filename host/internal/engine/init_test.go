package engine

import (
	"math"
	"testing"

	"dnw/sdk/ir"
)

func moments(v []float32) (mean, variance float64) {
	for _, x := range v {
		mean += float64(x)
	}
	mean /= float64(len(v))
	for _, x := range v {
		variance += (float64(x) - mean) * (float64(x) - mean)
	}
	return mean, variance / float64(len(v))
}

func TestInitRulesHaveTheirDistributions(t *testing.T) {
	const f, c, k = 64, 32, 3 // fan-in 288, fan-out 576
	shape := []int{f, c, k, k}
	for _, tt := range []struct {
		init     ir.Init
		variance float64
	}{
		{ir.Init{Kind: ir.InitNormal, Std: 0.02}, 0.02 * 0.02},
		{ir.Init{Kind: ir.InitKaimingUniform}, 3.0 / 288 / 3},                           // bound² / 3
		{ir.Init{Kind: ir.InitKaimingUniform, Gain: math.Sqrt(1.0 / 3)}, 1.0 / 288 / 3}, // PyTorch's conv default
		{ir.Init{Kind: ir.InitXavierUniform, Gain: 2}, 4 * 6.0 / (288 + 576) / 3},
	} {
		dst := make([]float32, f*c*k*k)
		if err := InitParam(dst, ir.Param{Name: "w", Shape: shape, Init: tt.init}, 1); err != nil {
			t.Fatal(err)
		}
		mean, variance := moments(dst)
		if math.Abs(mean) > 4*math.Sqrt(tt.variance/float64(len(dst))) || math.Abs(variance/tt.variance-1) > 0.05 {
			t.Errorf("%+v: mean %.3g, variance %.4g, want 0 and %.4g", tt.init, mean, variance, tt.variance)
		}
	}
	for kind, want := range map[ir.InitKind]float32{ir.InitZeros: 0, ir.InitOnes: 1} {
		dst := []float32{7, 7, 7}
		InitParam(dst, ir.Param{Name: "s", Shape: []int{3}, Init: ir.Init{Kind: kind}}, 1)
		for _, x := range dst {
			if x != want {
				t.Errorf("%s gave %v", kind, dst)
			}
		}
	}
}

func TestInitIsDeterministicPerNameAndSeed(t *testing.T) {
	p := ir.Param{Name: "down1.weight", Shape: []int{4, 3, 3, 3}, Init: ir.Init{Kind: ir.InitKaimingUniform}}
	a, b, c, d := make([]float32, 108), make([]float32, 108), make([]float32, 108), make([]float32, 108)
	InitParam(a, p, 7)
	InitParam(b, p, 7)
	InitParam(c, p, 8)
	q := p
	q.Name = "down2.weight"
	InitParam(d, q, 7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed and name, other values")
		}
	}
	if a[0] == c[0] && a[1] == c[1] || a[0] == d[0] && a[1] == d[1] {
		t.Error("another seed or name gave the same values")
	}
	if err := InitParam(make([]float32, 3), p, 7); err == nil {
		t.Error("a wrong dst length was accepted")
	}
}
