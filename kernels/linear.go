package kernels

// Linear computes y = x·Wᵀ + b on rows of x, the IR's linear op on every token:
//
//	// dst: (rows, out); x: (rows, in); w: (out, in); b: (out) or nil
//	dst[r, o] = b[o] + Σ_i x[r, i]·w[o, i]
//
// The rows are split over the workers of forEach, one product each.
func Linear[T Float](dst, x, w, b []T, rows, in, out int) {
	needLen("Linear", "dst", len(dst), rows*out)
	needLen("Linear", "x", len(x), rows*in)
	needLen("Linear", "w", len(w), out*in)
	if b != nil {
		needLen("Linear", "b", len(b), out)
	}
	forBlocks(rows, func(_, lo, hi int) {
		y := dst[lo*out : hi*out]
		gemm(false, true, hi-lo, out, in, 1, x[lo*in:hi*in], w, 0, y)
		if b != nil {
			for r := 0; r < hi-lo; r++ {
				for o, bv := range b {
					y[r*out+o] += bv
				}
			}
		}
	})
}

// LinearBackwardData computes dx = ∂L/∂x of Linear given dy = ∂L/∂y:
//
//	// dx: (rows, in); dy: (rows, out); w: (out, in)
//	dx[r, i] = Σ_o dy[r, o]·w[o, i]
func LinearBackwardData[T Float](dx, dy, w []T, rows, in, out int) {
	needLen("LinearBackwardData", "dx", len(dx), rows*in)
	needLen("LinearBackwardData", "dy", len(dy), rows*out)
	needLen("LinearBackwardData", "w", len(w), out*in)
	forBlocks(rows, func(_, lo, hi int) {
		gemm(false, false, hi-lo, in, out, 1, dy[lo*out:hi*out], w, 0, dx[lo*in:hi*in])
	})
}

// LinearBackwardWeight computes dw = ∂L/∂W and db = ∂L/∂b of Linear given dy; db may
// be nil:
//
//	// dw: (out, in); db: (out); dy: (rows, out); x: (rows, in)
//	dw[o, i] = Σ_r dy[r, o]·x[r, i]     db[o] = Σ_r dy[r, o]
//
// Each worker sums its block of rows; the partial sums are added in worker order.
func LinearBackwardWeight[T Float](dw, db, dy, x []T, rows, in, out int) {
	needLen("LinearBackwardWeight", "dw", len(dw), out*in)
	needLen("LinearBackwardWeight", "dy", len(dy), rows*out)
	needLen("LinearBackwardWeight", "x", len(x), rows*in)
	if db != nil {
		needLen("LinearBackwardWeight", "db", len(db), out)
	}
	nw := workers(rows)
	dws := append([][]T{dw}, scratch[T](nw-1, len(dw))...)
	forBlocks(rows, func(wk, lo, hi int) {
		gemm(true, false, out, in, hi-lo, 1, dy[lo*out:hi*out], x[lo*in:hi*in], 0, dws[wk])
	})
	for wk := 1; wk < nw; wk++ {
		for i, v := range dws[wk] {
			dw[i] += v
		}
	}
	if db != nil {
		clear(db)
		for r := range rows {
			for o, g := range dy[r*out : (r+1)*out] {
				db[o] += g
			}
		}
	}
}
