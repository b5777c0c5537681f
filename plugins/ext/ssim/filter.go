package main

// The fast path for the 11-tap window, four output positions per loop iteration:
// wazero's deadline check (RuntimeConfig.WithCloseOnContextDone) runs at every
// loop iteration of a guest, and at every taken jump and call of Go compiled to
// wasm, and costs about 30 ns (docs/benchmarks.md, "What the deadline costs"),
// as much as a hundred multiply-adds, so the loops here are long-bodied and
// branch-free. Sums are in float64.

// taps are the first six of the eleven Gaussian taps: the window is symmetric,
// g[k] = g[10−k].
type taps struct{ g0, g1, g2, g3, g4, g5 float64 }

// win11 is the window applied to v0…v10.
func win11(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10 float64, g *taps) float64 {
	return g.g0*(v0+v10) + g.g1*(v1+v9) + g.g2*(v2+v8) + g.g3*(v3+v7) + g.g4*(v4+v6) + g.g5*v5
}

// rows11 filters one channel's x, y, x²+y² and x·y along its rows (h × w,
// w ≥ 14) into maps, transposed: maps[q][c·h + r] for the ow = w−10 valid
// columns c, so that cols11 filters contiguous values too. Four output positions
// per iteration. The values are scalars, not arrays: a Go array literal
// compiles to wasm memory.fill and memory.copy, far slower than the arithmetic.
func rows11(maps *[4][]float64, x, y []float32, h, w int, g *taps) {
	ow := w - 10
	m0, m1, m2, m3 := maps[0][:ow*h], maps[1][:ow*h], maps[2][:ow*h], maps[3][:ow*h]
	for r := range h {
		xr, yr := x[r*w:(r+1)*w], y[r*w:(r+1)*w]
		for c := 0; c < ow; c += 4 {
			c = min(c, ow-4) // where ow is not a multiple of 4 the last block overlaps the one before: it rewrites the same values
			x, y := xr[c:c+14:c+14], yr[c:c+14:c+14]
			a0, a1, a2, a3, a4, a5, a6 := float64(x[0]), float64(x[1]), float64(x[2]), float64(x[3]), float64(x[4]), float64(x[5]), float64(x[6])
			a7, a8, a9, a10, a11, a12, a13 := float64(x[7]), float64(x[8]), float64(x[9]), float64(x[10]), float64(x[11]), float64(x[12]), float64(x[13])
			b0, b1, b2, b3, b4, b5, b6 := float64(y[0]), float64(y[1]), float64(y[2]), float64(y[3]), float64(y[4]), float64(y[5]), float64(y[6])
			b7, b8, b9, b10, b11, b12, b13 := float64(y[7]), float64(y[8]), float64(y[9]), float64(y[10]), float64(y[11]), float64(y[12]), float64(y[13])
			i := c*h + r
			m0[i], m0[i+h], m0[i+2*h], m0[i+3*h] = win11(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, g),
				win11(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, g),
				win11(a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, g),
				win11(a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, g)
			m1[i], m1[i+h], m1[i+2*h], m1[i+3*h] = win11(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, g),
				win11(b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, g),
				win11(b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, g),
				win11(b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, g)
			m2[i], m2[i+h], m2[i+2*h], m2[i+3*h] = win11(a0*a0+b0*b0, a1*a1+b1*b1, a2*a2+b2*b2, a3*a3+b3*b3, a4*a4+b4*b4, a5*a5+b5*b5, a6*a6+b6*b6, a7*a7+b7*b7, a8*a8+b8*b8, a9*a9+b9*b9, a10*a10+b10*b10, g),
				win11(a1*a1+b1*b1, a2*a2+b2*b2, a3*a3+b3*b3, a4*a4+b4*b4, a5*a5+b5*b5, a6*a6+b6*b6, a7*a7+b7*b7, a8*a8+b8*b8, a9*a9+b9*b9, a10*a10+b10*b10, a11*a11+b11*b11, g),
				win11(a2*a2+b2*b2, a3*a3+b3*b3, a4*a4+b4*b4, a5*a5+b5*b5, a6*a6+b6*b6, a7*a7+b7*b7, a8*a8+b8*b8, a9*a9+b9*b9, a10*a10+b10*b10, a11*a11+b11*b11, a12*a12+b12*b12, g),
				win11(a3*a3+b3*b3, a4*a4+b4*b4, a5*a5+b5*b5, a6*a6+b6*b6, a7*a7+b7*b7, a8*a8+b8*b8, a9*a9+b9*b9, a10*a10+b10*b10, a11*a11+b11*b11, a12*a12+b12*b12, a13*a13+b13*b13, g)
			m3[i], m3[i+h], m3[i+2*h], m3[i+3*h] = win11(a0*b0, a1*b1, a2*b2, a3*b3, a4*b4, a5*b5, a6*b6, a7*b7, a8*b8, a9*b9, a10*b10, g),
				win11(a1*b1, a2*b2, a3*b3, a4*b4, a5*b5, a6*b6, a7*b7, a8*b8, a9*b9, a10*b10, a11*b11, g),
				win11(a2*b2, a3*b3, a4*b4, a5*b5, a6*b6, a7*b7, a8*b8, a9*b9, a10*b10, a11*b11, a12*b12, g),
				win11(a3*b3, a4*b4, a5*b5, a6*b6, a7*b7, a8*b8, a9*b9, a10*b10, a11*b11, a12*b12, a13*b13, g)
		}
	}
}

// cols11 filters rows11's maps along the other axis (oh = h−10 valid rows,
// h ≥ 14), four output positions per iteration, and returns the sum of SSIM
// over the channel's valid positions.
func cols11(maps *[4][]float64, h, ow int, g *taps) float64 {
	oh := h - 10
	total := 0.0
	for c := range ow {
		m0, m1, m2, m3 := maps[0][c*h:(c+1)*h], maps[1][c*h:(c+1)*h], maps[2][c*h:(c+1)*h], maps[3][c*h:(c+1)*h]
		for r := 0; r < oh; r += 4 {
			rr := min(r, oh-4)
			// Where oh is not a multiple of 4 the last block overlaps the one
			// before by k = r−rr positions, counted already: weigh them 0, without
			// a branch.
			k := r - rr
			w0, w1, w2, w3 := float64(min(max(1-k, 0), 1)), float64(min(max(2-k, 0), 1)), float64(min(max(3-k, 0), 1)), float64(min(max(4-k, 0), 1))
			v0, v1, v2, v3 := (*[14]float64)(m0[rr:rr+14]), (*[14]float64)(m1[rr:rr+14]), (*[14]float64)(m2[rr:rr+14]), (*[14]float64)(m3[rr:rr+14])
			s0 := stat(win11(v0[0], v0[1], v0[2], v0[3], v0[4], v0[5], v0[6], v0[7], v0[8], v0[9], v0[10], g),
				win11(v1[0], v1[1], v1[2], v1[3], v1[4], v1[5], v1[6], v1[7], v1[8], v1[9], v1[10], g),
				win11(v2[0], v2[1], v2[2], v2[3], v2[4], v2[5], v2[6], v2[7], v2[8], v2[9], v2[10], g),
				win11(v3[0], v3[1], v3[2], v3[3], v3[4], v3[5], v3[6], v3[7], v3[8], v3[9], v3[10], g))
			s1 := stat(win11(v0[1], v0[2], v0[3], v0[4], v0[5], v0[6], v0[7], v0[8], v0[9], v0[10], v0[11], g),
				win11(v1[1], v1[2], v1[3], v1[4], v1[5], v1[6], v1[7], v1[8], v1[9], v1[10], v1[11], g),
				win11(v2[1], v2[2], v2[3], v2[4], v2[5], v2[6], v2[7], v2[8], v2[9], v2[10], v2[11], g),
				win11(v3[1], v3[2], v3[3], v3[4], v3[5], v3[6], v3[7], v3[8], v3[9], v3[10], v3[11], g))
			s2 := stat(win11(v0[2], v0[3], v0[4], v0[5], v0[6], v0[7], v0[8], v0[9], v0[10], v0[11], v0[12], g),
				win11(v1[2], v1[3], v1[4], v1[5], v1[6], v1[7], v1[8], v1[9], v1[10], v1[11], v1[12], g),
				win11(v2[2], v2[3], v2[4], v2[5], v2[6], v2[7], v2[8], v2[9], v2[10], v2[11], v2[12], g),
				win11(v3[2], v3[3], v3[4], v3[5], v3[6], v3[7], v3[8], v3[9], v3[10], v3[11], v3[12], g))
			s3 := stat(win11(v0[3], v0[4], v0[5], v0[6], v0[7], v0[8], v0[9], v0[10], v0[11], v0[12], v0[13], g),
				win11(v1[3], v1[4], v1[5], v1[6], v1[7], v1[8], v1[9], v1[10], v1[11], v1[12], v1[13], g),
				win11(v2[3], v2[4], v2[5], v2[6], v2[7], v2[8], v2[9], v2[10], v2[11], v2[12], v2[13], g),
				win11(v3[3], v3[4], v3[5], v3[6], v3[7], v3[8], v3[9], v3[10], v3[11], v3[12], v3[13], g))
			total += w0*s0 + w1*s1 + w2*s2 + w3*s3
			r = rr
		}
	}
	return total
}
