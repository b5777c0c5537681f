package kernels

import "fmt"

// UpsampleNearest enlarges every H×W plane of x by the integer factor scale with
// nearest-neighbour sampling (each input pixel becomes a scale×scale block):
//
//	// x: (N, C, H, W); dst: (N, C, H·scale, W·scale)
//	dst[n, c, i, j] = x[n, c, i/scale, j/scale]
func UpsampleNearest[T Float](dst, x []T, n, c, h, w, scale int) {
	checkScale("UpsampleNearest", n, c, h, w, scale)
	needLen("UpsampleNearest", "x", len(x), n*c*h*w)
	needLen("UpsampleNearest", "dst", len(dst), n*c*h*w*scale*scale)
	ow := w * scale
	for p := 0; p < n*c; p++ {
		in := x[p*h*w : (p+1)*h*w]
		out := dst[p*h*w*scale*scale : (p+1)*h*w*scale*scale]
		for i := 0; i < h; i++ {
			src := in[i*w : (i+1)*w]
			first := out[i*scale*ow : (i*scale+1)*ow]
			for j, v := range src {
				blk := first[j*scale : (j+1)*scale]
				for k := range blk {
					blk[k] = v
				}
			}
			for r := 1; r < scale; r++ {
				copy(out[(i*scale+r)*ow:(i*scale+r+1)*ow], first)
			}
		}
	}
}

// UpsampleNearestBackward computes dx = ∂L/∂x of UpsampleNearest given dy = ∂L/∂dst:
// every input pixel sums the gradients of its scale² children.
//
//	// dy: (N, C, H·scale, W·scale); dx: (N, C, H, W)
//	dx[n, c, i, j] = Σ_{a, b < scale} dy[n, c, i·scale+a, j·scale+b]
func UpsampleNearestBackward[T Float](dx, dy []T, n, c, h, w, scale int) {
	checkScale("UpsampleNearestBackward", n, c, h, w, scale)
	needLen("UpsampleNearestBackward", "dx", len(dx), n*c*h*w)
	needLen("UpsampleNearestBackward", "dy", len(dy), n*c*h*w*scale*scale)
	ow := w * scale
	clear(dx)
	for p := 0; p < n*c; p++ {
		in := dy[p*h*w*scale*scale : (p+1)*h*w*scale*scale]
		out := dx[p*h*w : (p+1)*h*w]
		for i := 0; i < h*scale; i++ {
			row := in[i*ow : (i+1)*ow]
			acc := out[(i/scale)*w : (i/scale+1)*w]
			for j := range acc {
				var s T
				for _, v := range row[j*scale : (j+1)*scale] {
					s += v
				}
				acc[j] += s
			}
		}
	}
}

// checkScale panics unless the sizes are non-negative and scale ≥ 1.
func checkScale(kernel string, n, c, h, w, scale int) {
	if n < 0 || c < 0 || h < 0 || w < 0 || scale < 1 {
		panic(fmt.Sprintf("kernels: %s: bad sizes n=%d c=%d h=%d w=%d scale=%d", kernel, n, c, h, w, scale))
	}
}
