package main

import (
	"math"

	"dnw/sdk/ext"
)

func init() {
	ext.Metric(ext.Info{Name: "l1", Version: "1.0.0",
		Description: "mean |prediction − target| over the batch, values in [-1, 1] (lower is better)"}, l1)
}

func main() {}

func l1(pred, target ext.Images) ext.Score {
	return ext.Score{Value: sumAbs(pred.Pix, target.Pix) / float64(len(pred.Pix))}
}

// sumAbs is Σ|a−b|, 32 values per loop iteration, written out, with a
// branch-free absolute value: wazero's deadline check costs about 30 ns at every
// loop header, and Go's wasm code passes one at every taken branch and every call
// that is not inlined too (docs/benchmarks.md, "What the deadline costs").
func sumAbs(a, b []float32) float64 {
	b = b[:len(a)]
	s := 0.0
	i := 0
	for ; i+32 <= len(a); i += 32 {
		x, y := a[i:i+32:i+32], b[i:i+32:i+32]
		s0 := abs(x[0]-y[0]) + abs(x[1]-y[1]) + abs(x[2]-y[2]) + abs(x[3]-y[3]) + abs(x[4]-y[4]) + abs(x[5]-y[5]) + abs(x[6]-y[6]) + abs(x[7]-y[7])
		s1 := abs(x[8]-y[8]) + abs(x[9]-y[9]) + abs(x[10]-y[10]) + abs(x[11]-y[11]) + abs(x[12]-y[12]) + abs(x[13]-y[13]) + abs(x[14]-y[14]) + abs(x[15]-y[15])
		s2 := abs(x[16]-y[16]) + abs(x[17]-y[17]) + abs(x[18]-y[18]) + abs(x[19]-y[19]) + abs(x[20]-y[20]) + abs(x[21]-y[21]) + abs(x[22]-y[22]) + abs(x[23]-y[23])
		s3 := abs(x[24]-y[24]) + abs(x[25]-y[25]) + abs(x[26]-y[26]) + abs(x[27]-y[27]) + abs(x[28]-y[28]) + abs(x[29]-y[29]) + abs(x[30]-y[30]) + abs(x[31]-y[31])
		s += float64(s0+s1) + float64(s2+s3)
	}
	for ; i < len(a); i++ {
		s += float64(abs(a[i] - b[i]))
	}
	return s
}

// abs is |x| through math.Abs, which Go compiles to wasm's f64.abs: no branch.
func abs(x float32) float32 { return float32(math.Abs(float64(x))) }
