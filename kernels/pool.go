package kernels

import "fmt"

// AvgPool averages non-overlapping scale×scale windows (kernel = stride = scale, no
// padding); h and w, the input sizes, must be multiples of scale:
//
//	// x: (N, C, H, W); dst: (N, C, H/scale, W/scale)
//	dst[n, c, i, j] = (1/scale²) · Σ_{a, b < scale} x[n, c, i·scale+a, j·scale+b]
func AvgPool[T Float](dst, x []T, n, c, h, w, scale int) {
	checkPool("AvgPool", n, c, h, w, scale)
	oh, ow := h/scale, w/scale
	needLen("AvgPool", "x", len(x), n*c*h*w)
	needLen("AvgPool", "dst", len(dst), n*c*oh*ow)
	inv := 1 / T(scale*scale)
	clear(dst)
	for p := 0; p < n*c; p++ {
		in := x[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for i := 0; i < h; i++ {
			row := in[i*w : (i+1)*w]
			acc := out[(i/scale)*ow : (i/scale+1)*ow]
			for j := range acc {
				var s T
				for _, v := range row[j*scale : (j+1)*scale] {
					s += v
				}
				acc[j] += s
			}
		}
		for i := range out {
			out[i] *= inv
		}
	}
}

// AvgPoolBackward computes dx = ∂L/∂x of AvgPool given dy = ∂L/∂dst: every input
// pixel receives its window's gradient divided by scale².
//
//	// dy: (N, C, H/scale, W/scale); dx: (N, C, H, W)
//	dx[n, c, i, j] = dy[n, c, i/scale, j/scale] / scale²
func AvgPoolBackward[T Float](dx, dy []T, n, c, h, w, scale int) {
	checkPool("AvgPoolBackward", n, c, h, w, scale)
	oh, ow := h/scale, w/scale
	needLen("AvgPoolBackward", "dx", len(dx), n*c*h*w)
	needLen("AvgPoolBackward", "dy", len(dy), n*c*oh*ow)
	inv := 1 / T(scale*scale)
	for p := 0; p < n*c; p++ {
		in := dy[p*oh*ow : (p+1)*oh*ow]
		out := dx[p*h*w : (p+1)*h*w]
		for i := 0; i < h; i++ {
			src := in[(i/scale)*ow : (i/scale+1)*ow]
			row := out[i*w : (i+1)*w]
			for j, v := range src {
				g := v * inv
				blk := row[j*scale : (j+1)*scale]
				for k := range blk {
					blk[k] = g
				}
			}
		}
	}
}

// checkPool panics unless the sizes are non-negative, scale ≥ 1 and scale divides h and w.
func checkPool(kernel string, n, c, h, w, scale int) {
	if n < 0 || c < 0 || h < 0 || w < 0 || scale < 1 {
		panic(fmt.Sprintf("kernels: %s: bad sizes n=%d c=%d h=%d w=%d scale=%d", kernel, n, c, h, w, scale))
	}
	if h%scale != 0 || w%scale != 0 {
		panic(fmt.Sprintf("kernels: %s: h=%d and w=%d must be multiples of scale=%d", kernel, h, w, scale))
	}
}
