package kernels

import (
	"fmt"
	"slices"
)

// UpsampleNearest enlarges every H×W plane of x by the integer factors sh (rows) and
// sw (columns) with nearest-neighbour sampling (each input pixel becomes an sh×sw
// block); sh = 1 upsamples rows of a 1-D signal, and a 1-pixel-wide x upsampled by
// sw = L broadcasts a per-channel value along a row of L:
//
//	// x: (N, C, H, W); dst: (N, C, H·sh, W·sw)
//	dst[n, c, i, j] = x[n, c, i/sh, j/sw]
func UpsampleNearest[T Float](dst, x []T, n, c, h, w, sh, sw int) {
	checkScale("UpsampleNearest", n, c, h, w, sh, sw)
	needLen("UpsampleNearest", "x", len(x), n*c*h*w)
	needLen("UpsampleNearest", "dst", len(dst), n*c*h*w*sh*sw)
	ow := w * sw
	for p := 0; p < n*c; p++ {
		in := x[p*h*w : (p+1)*h*w]
		out := dst[p*h*w*sh*sw : (p+1)*h*w*sh*sw]
		for i := 0; i < h; i++ {
			src := in[i*w : (i+1)*w]
			first := out[i*sh*ow : (i*sh+1)*ow]
			for j, v := range src {
				blk := first[j*sw : (j+1)*sw]
				for k := range blk {
					blk[k] = v
				}
			}
			for r := 1; r < sh; r++ {
				copy(out[(i*sh+r)*ow:(i*sh+r+1)*ow], first)
			}
		}
	}
}

// UpsampleNearestBackward computes dx = ∂L/∂x of UpsampleNearest given dy = ∂L/∂dst:
// every input pixel sums the gradients of its sh·sw children.
//
//	// dy: (N, C, H·sh, W·sw); dx: (N, C, H, W)
//	dx[n, c, i, j] = Σ_{a < sh, b < sw} dy[n, c, i·sh+a, j·sw+b]
func UpsampleNearestBackward[T Float](dx, dy []T, n, c, h, w, sh, sw int) {
	checkScale("UpsampleNearestBackward", n, c, h, w, sh, sw)
	needLen("UpsampleNearestBackward", "dx", len(dx), n*c*h*w)
	needLen("UpsampleNearestBackward", "dy", len(dy), n*c*h*w*sh*sw)
	ow := w * sw
	clear(dx)
	for p := 0; p < n*c; p++ {
		in := dy[p*h*w*sh*sw : (p+1)*h*w*sh*sw]
		out := dx[p*h*w : (p+1)*h*w]
		for i := 0; i < h*sh; i++ {
			row := in[i*ow : (i+1)*ow]
			acc := out[(i/sh)*w : (i/sh+1)*w]
			for j := range acc {
				var s T
				for _, v := range row[j*sw : (j+1)*sw] {
					s += v
				}
				acc[j] += s
			}
		}
	}
}

// checkScale panics unless the sizes are non-negative and the scales ≥ 1.
func checkScale(kernel string, n, c, h, w int, scales ...int) {
	if n < 0 || c < 0 || h < 0 || w < 0 || slices.Min(scales) < 1 {
		panic(fmt.Sprintf("kernels: %s: bad sizes n=%d c=%d h=%d w=%d scales %v", kernel, n, c, h, w, scales))
	}
}
