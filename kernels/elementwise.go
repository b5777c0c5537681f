package kernels

import (
	"fmt"
	"math"
)

// The element-wise kernels below read and write index by index, so dst may be the
// same slice as an input (in-place use); any other overlap is undefined.

// LeakyReLU computes, for every i,
//
//	dst[i] = x[i]        if x[i] > 0
//	dst[i] = slope·x[i]  otherwise
func LeakyReLU[T Float](dst, x []T, slope T) {
	needLen("LeakyReLU", "dst", len(dst), len(x))
	for i, v := range x {
		if v > 0 {
			dst[i] = v
		} else {
			dst[i] = slope * v
		}
	}
}

// LeakyReLUBackward computes dx = ∂L/∂x of LeakyReLU from the input x (the
// derivative at x = 0 is taken as slope):
//
//	dx[i] = dy[i]        if x[i] > 0
//	dx[i] = slope·dy[i]  otherwise
func LeakyReLUBackward[T Float](dx, dy, x []T, slope T) {
	needLen("LeakyReLUBackward", "dy", len(dy), len(x))
	needLen("LeakyReLUBackward", "dx", len(dx), len(x))
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = slope * dy[i]
		}
	}
}

// Tanh computes dst[i] = tanh(x[i]) (in float64, rounded to T).
func Tanh[T Float](dst, x []T) {
	needLen("Tanh", "dst", len(dst), len(x))
	for i, v := range x {
		dst[i] = T(math.Tanh(float64(v)))
	}
}

// TanhBackward computes dx = ∂L/∂x of Tanh from its output y = tanh(x):
//
//	dx[i] = dy[i] · (1 − y[i]²)
func TanhBackward[T Float](dx, dy, y []T) {
	needLen("TanhBackward", "dy", len(dy), len(y))
	needLen("TanhBackward", "dx", len(dx), len(y))
	for i, v := range y {
		dx[i] = dy[i] * (1 - v*v)
	}
}

// Add computes dst[i] = a[i] + b[i]. Its backward is the identity on both inputs.
func Add[T Float](dst, a, b []T) {
	needLen("Add", "b", len(b), len(a))
	needLen("Add", "dst", len(dst), len(a))
	for i, v := range a {
		dst[i] = v + b[i]
	}
}

// ConcatChannels stacks the parts along the channel axis; part p has channels[p]
// channels and dst has Σ channels. dst must not overlap a part.
//
//	// parts[p]: (N, channels[p], H, W); dst: (N, Σ channels, H, W)
//	dst[n, off_p + c, i, j] = parts[p][n, c, i, j],  off_p = Σ_{q<p} channels[q]
func ConcatChannels[T Float](dst []T, n, h, w int, parts [][]T, channels []int) {
	total := checkChannels("ConcatChannels", "parts", n, h, w, parts, channels)
	needLen("ConcatChannels", "dst", len(dst), n*total*h*w)
	hw := h * w
	for b := 0; b < n; b++ {
		off := b * total * hw
		for p, part := range parts {
			sz := channels[p] * hw
			copy(dst[off:off+sz], part[b*sz:(b+1)*sz])
			off += sz
		}
	}
}

// SplitChannels is the backward of ConcatChannels: it cuts dy along the channel axis
// into the gradients of the parts. No dsts[p] may overlap dy.
//
//	// dy: (N, Σ channels, H, W); dsts[p]: (N, channels[p], H, W)
//	dsts[p][n, c, i, j] = dy[n, off_p + c, i, j],  off_p = Σ_{q<p} channels[q]
func SplitChannels[T Float](dsts [][]T, dy []T, n, h, w int, channels []int) {
	total := checkChannels("SplitChannels", "dsts", n, h, w, dsts, channels)
	needLen("SplitChannels", "dy", len(dy), n*total*h*w)
	hw := h * w
	for b := 0; b < n; b++ {
		off := b * total * hw
		for p, d := range dsts {
			sz := channels[p] * hw
			copy(d[b*sz:(b+1)*sz], dy[off:off+sz])
			off += sz
		}
	}
}

// ChannelRange copies channels lo…hi−1 of x into dst: the gradient of one part of
// ConcatChannels, for engines that differentiate each input on its own.
//
//	// x: (N, C, H, W); dst: (N, hi − lo, H, W)
//	dst[n, c, i, j] = x[n, lo + c, i, j]
func ChannelRange[T Float](dst, x []T, n, c, h, w, lo, hi int) {
	if n < 0 || c < 0 || h < 0 || w < 0 || lo < 0 || hi < lo || hi > c {
		panic(fmt.Sprintf("kernels: ChannelRange: bad sizes n=%d c=%d h=%d w=%d lo=%d hi=%d", n, c, h, w, lo, hi))
	}
	needLen("ChannelRange", "x", len(x), n*c*h*w)
	needLen("ChannelRange", "dst", len(dst), n*(hi-lo)*h*w)
	hw, sz := h*w, (hi-lo)*h*w
	for b := 0; b < n; b++ {
		copy(dst[b*sz:(b+1)*sz], x[(b*c+lo)*hw:(b*c+hi)*hw])
	}
}

// checkChannels checks len(parts[p]) == n·channels[p]·h·w for every part and returns
// Σ channels; it panics on a mismatch or a negative size.
func checkChannels[T Float](kernel, arg string, n, h, w int, parts [][]T, channels []int) int {
	if n < 0 || h < 0 || w < 0 {
		panic(fmt.Sprintf("kernels: %s: bad sizes n=%d h=%d w=%d", kernel, n, h, w))
	}
	if len(parts) != len(channels) {
		panic(fmt.Sprintf("kernels: %s: %d %s but %d channel counts", kernel, len(parts), arg, len(channels)))
	}
	total := 0
	for p, c := range channels {
		if c < 0 {
			panic(fmt.Sprintf("kernels: %s: channels[%d] = %d", kernel, p, c))
		}
		needLen(kernel, fmt.Sprintf("%s[%d]", arg, p), len(parts[p]), n*c*h*w)
		total += c
	}
	return total
}

// Transpose swaps the last two axes of a batch of matrices: image channels to tokens
// and back. It is its own adjoint with rows and cols swapped. dst must not overlap x.
//
//	// x: (B, R, C); dst: (B, C, R)
//	dst[b, j, i] = x[b, i, j]
func Transpose[T Float](dst, x []T, batch, rows, cols int) {
	if batch < 0 || rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels: Transpose: bad sizes batch=%d rows=%d cols=%d", batch, rows, cols))
	}
	needLen("Transpose", "x", len(x), batch*rows*cols)
	needLen("Transpose", "dst", len(dst), batch*rows*cols)
	size := rows * cols
	forEach(batch, func(_, b int) {
		xs, ds := x[b*size:(b+1)*size], dst[b*size:(b+1)*size]
		for i := range rows {
			row := xs[i*cols : (i+1)*cols]
			for j, v := range row {
				ds[j*rows+i] = v
			}
		}
	})
}
