package kernels

import (
	"fmt"
	"math"
)

// softmaxShape panics unless rows and cols are non-negative.
func softmaxShape(kernel string, rows, cols int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels: %s: negative size rows=%d cols=%d", kernel, rows, cols))
	}
}

// Softmax is the softmax of each row of x, as torch.softmax(x, dim=-1), numerically
// stable (the row maximum is subtracted before exponentiating, so inputs like 1000
// do not overflow):
//
//	x, dst: (rows, cols)
//	dst[r,j] = exp(x[r,j] − max_k x[r,k]) / Σ_k exp(x[r,k] − max_k x[r,k])
//
// For float32 the exponentials and sums are float32 (fastmath.go, as torch computes
// them), for float64 float64. dst may be x.
func Softmax[T Float](dst, x []T, rows, cols int) {
	softmaxShape("Softmax", rows, cols)
	needLen("Softmax", "x", len(x), rows*cols)
	needLen("Softmax", "dst", len(dst), rows*cols)
	for r := 0; r < rows; r++ {
		softmaxRow(dst[r*cols:(r+1)*cols], x[r*cols:(r+1)*cols])
	}
}

// softmaxRow writes the stable softmax of x into dst (same length, may alias).
func softmaxRow[T Float](dst, x []T) {
	if len(x) == 0 {
		return
	}
	if d, x, ok := float32s(dst, x); ok {
		mx := max32s(x)
		for j, v := range x {
			d[j] = v - mx
		}
		exp32s(d, d)
		inv := 1 / sum32s(d)
		for j := range d {
			d[j] *= inv
		}
		return
	}
	mx := x[0]
	for _, v := range x[1:] {
		if v > mx {
			mx = v
		}
	}
	m := float64(mx)
	s := 0.0
	for j, v := range x {
		e := math.Exp(float64(v) - m)
		dst[j] = T(e)
		s += e
	}
	inv := 1 / s
	for j := range dst {
		dst[j] = T(float64(dst[j]) * inv)
	}
}

// max32s is the largest value of x (not empty), and sum32s the sum of x, each over
// four running values: one would make every step wait for the one before (attention
// rows are short, so these loops were most of softmax's time beside e^x).
func max32s(x []float32) float32 {
	m := [4]float32{x[0], x[0], x[0], x[0]}
	i := 0
	for ; i+4 <= len(x); i += 4 {
		m[0], m[1], m[2], m[3] = max(m[0], x[i]), max(m[1], x[i+1]), max(m[2], x[i+2]), max(m[3], x[i+3])
	}
	for ; i < len(x); i++ {
		m[0] = max(m[0], x[i])
	}
	return max(m[0], m[1], m[2], m[3])
}

func sum32s(x []float32) float32 {
	var s [4]float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s[0] += x[i]
		s[1] += x[i+1]
		s[2] += x[i+2]
		s[3] += x[i+3]
	}
	for ; i < len(x); i++ {
		s[0] += x[i]
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

// SoftmaxBackward is the backward pass of Softmax from its output y (rows, cols):
//
//	dx[r,j] = y[r,j]·(dy[r,j] − Σ_k dy[r,k]·y[r,k])
//
// dx may be dy.
func SoftmaxBackward[T Float](dx, dy, y []T, rows, cols int) {
	softmaxShape("SoftmaxBackward", rows, cols)
	needLen("SoftmaxBackward", "y", len(y), rows*cols)
	needLen("SoftmaxBackward", "dy", len(dy), rows*cols)
	needLen("SoftmaxBackward", "dx", len(dx), rows*cols)
	for r := 0; r < rows; r++ {
		softmaxBackwardRow(dx[r*cols:(r+1)*cols], dy[r*cols:(r+1)*cols], y[r*cols:(r+1)*cols])
	}
}

// softmaxBackwardRow is SoftmaxBackward for one row; dx may alias dy.
func softmaxBackwardRow[T Float](dx, dy, y []T) {
	s := 0.0
	for j, v := range y {
		s += float64(dy[j]) * float64(v)
	}
	for j, v := range y {
		dx[j] = T(float64(v) * (float64(dy[j]) - s))
	}
}
