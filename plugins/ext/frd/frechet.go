package main

import "math"

// frechet is the Fréchet distance between Gaussians fitted to the rows of fp and
// ft (N ≥ 2 rows of d features each), clamped at 0:
//
//	‖μp − μt‖² + Tr Σp + Tr Σt − 2·Tr (Σp^½ Σt Σp^½)^½
//
// With A and B the centred rows divided by √(N−1), Σp = AᵀA and Σt = BᵀB. The
// eigenvalues of Σp^½ Σt Σp^½ = (B Σp^½)ᵀ(B Σp^½) are, but for zeros, those of
// (B Σp^½)(B Σp^½)ᵀ = B Σp Bᵀ = (BAᵀ)(BAᵀ)ᵀ, an N×N matrix: for N ≤ d (a batch of
// 16 against 64 features) the trace comes from that matrix's eigenvalues. For
// N > d it comes from the d×d route: Σp = V Λ Vᵀ, F = V Λ^½, and the eigenvalues
// of Fᵀ Σt F, which are those of Σp^½ Σt Σp^½ (the two are similar). Both use
// jacobi; negative rounding noise in eigenvalues is clamped to 0.
func frechet(fp, ft [][]float64) float64 {
	n, d := len(fp), len(fp[0])
	mp, a := centred(fp)
	mt, b := centred(ft)
	dist := 0.0
	for i := range mp {
		dist += (mp[i] - mt[i]) * (mp[i] - mt[i])
	}
	tr := 0.0
	for i := range n {
		tr += dot(a[i], a[i]) + dot(b[i], b[i]) // Tr AᵀA + Tr BᵀB
	}
	var roots float64
	if n <= d {
		k := make([][]float64, n) // B Aᵀ
		for i := range k {
			k[i] = make([]float64, n)
			for j := range k[i] {
				k[i][j] = dot(b[i], a[j])
			}
		}
		m := make([]float64, n*n) // K Kᵀ
		for i := range n {
			for j := i; j < n; j++ {
				m[i*n+j] = dot(k[i], k[j])
				m[j*n+i] = m[i*n+j]
			}
		}
		roots = sumSqrtEigenvalues(m, n)
	} else {
		sp, st := gram(a, d), gram(b, d)
		v := make([]float64, d*d)
		jacobi(sp, d, v)
		f := make([][]float64, d) // columns of F = V Λ^½, as rows
		for j := range d {
			f[j] = make([]float64, d)
			s := math.Sqrt(max(sp[j*d+j], 0))
			for i := range d {
				f[j][i] = v[i*d+j] * s
			}
		}
		sf := make([][]float64, d) // rows of Σt F, transposed: (Σt F)ᵀ = Fᵀ Σt
		for j := range d {
			sf[j] = make([]float64, d)
			for i := range d {
				sf[j][i] = dot(st[i*d:(i+1)*d], f[j])
			}
		}
		m := make([]float64, d*d) // Fᵀ Σt F
		for i := range d {
			for j := i; j < d; j++ {
				m[i*d+j] = dot(sf[i], f[j])
				m[j*d+i] = m[i*d+j]
			}
		}
		roots = sumSqrtEigenvalues(m, d)
	}
	return max(0, dist+tr-2*roots)
}

// centred returns the mean of rows and the rows minus the mean, divided by √(N−1).
func centred(rows [][]float64) (mean []float64, c [][]float64) {
	n, d := len(rows), len(rows[0])
	mean = make([]float64, d)
	for _, r := range rows {
		for i, v := range r {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(n)
	}
	scale := 1 / math.Sqrt(float64(n-1))
	c = make([][]float64, n)
	for k, r := range rows {
		c[k] = make([]float64, d)
		for i, v := range r {
			c[k][i] = (v - mean[i]) * scale
		}
	}
	return mean, c
}

// gram is XᵀX for the rows of X, d×d row-major.
func gram(x [][]float64, d int) []float64 {
	g := make([]float64, d*d)
	col := make([][]float64, d) // columns of X
	for j := range d {
		col[j] = make([]float64, len(x))
		for k, r := range x {
			col[j][k] = r[j]
		}
	}
	for i := range d {
		for j := i; j < d; j++ {
			g[i*d+j] = dot(col[i], col[j])
			g[j*d+i] = g[i*d+j]
		}
	}
	return g
}

// dot is Σ x[i]·y[i], eight products per loop iteration (wazero's deadline check
// runs at every iteration).
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	s := 0.0
	i := 0
	for ; i+8 <= len(x); i += 8 {
		a, b := x[i:i+8:i+8], y[i:i+8:i+8]
		s += a[0]*b[0] + a[1]*b[1] + a[2]*b[2] + a[3]*b[3] + a[4]*b[4] + a[5]*b[5] + a[6]*b[6] + a[7]*b[7]
	}
	for ; i < len(x); i++ {
		s += x[i] * y[i]
	}
	return s
}

// sumSqrtEigenvalues is Σ √max(λ, 0) over the eigenvalues of the symmetric n×n
// matrix m, which it overwrites.
func sumSqrtEigenvalues(m []float64, n int) float64 {
	jacobi(m, n, nil)
	s := 0.0
	for i := range n {
		s += math.Sqrt(max(m[i*n+i], 0))
	}
	return s
}

// jacobi diagonalizes the symmetric n×n row-major matrix a in place by the cyclic
// Jacobi method (Golub and Van Loan, Matrix Computations, 4th ed., algorithm
// 8.5.3): sweeps of rotations that zero each off-diagonal pair in turn, until the
// off-diagonal part is below 1e-15 of the matrix's norm (it converges
// quadratically; eigenvalues are then accurate to about 1e-15·‖a‖). On return
// a's diagonal holds the eigenvalues and, when v is not nil, v (n×n) holds the
// eigenvectors as columns.
func jacobi(a []float64, n int, v []float64) {
	a = a[:n*n]
	if v != nil {
		v = v[:n*n]
		clear(v)
		for i := range n {
			v[i*n+i] = 1
		}
	}
	for range 64 {
		off, diag := 0.0, 0.0 // Σ of the squares off and on the diagonal
		for i := range n {
			lower := a[i*n : i*n+i]
			off += 2 * dot(lower, lower)
			diag += a[i*n+i] * a[i*n+i]
		}
		if off <= 1e-30*(off+diag) {
			return
		}
		for p := range n - 1 {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if apq == 0 {
					continue
				}
				// The rotation (c, s) that zeroes a[p][q] (algorithm 8.5.1).
				tau := (a[q*n+q] - a[p*n+p]) / (2 * apq)
				var t float64
				if math.Abs(tau) > 1e150 {
					t = 0.5 / tau
				} else if tau >= 0 {
					t = 1 / (tau + math.Sqrt(1+tau*tau))
				} else {
					t = -1 / (-tau + math.Sqrt(1+tau*tau))
				}
				c := 1 / math.Sqrt(1+t*t)
				s := t * c
				rotate(a, n, p, q, c, s)
				if v != nil {
					rotateColumns(v, n, p, q, c, s)
				}
			}
		}
	}
}

// rotate is a ← Jᵀ a J for the rotation J in the plane (p, q): columns p and q,
// then rows p and q.
func rotate(a []float64, n, p, q int, c, s float64) {
	rotateColumns(a, n, p, q, c, s)
	rp, rq := a[p*n:(p+1)*n], a[q*n:(q+1)*n]
	rq = rq[:len(rp)]
	k := 0
	for ; k+4 <= len(rp); k += 4 { // four per iteration: wazero's deadline check runs at every one
		x, y := rp[k:k+4:k+4], rq[k:k+4:k+4]
		x0, x1, x2, x3, y0, y1, y2, y3 := x[0], x[1], x[2], x[3], y[0], y[1], y[2], y[3]
		x[0], x[1], x[2], x[3] = c*x0-s*y0, c*x1-s*y1, c*x2-s*y2, c*x3-s*y3
		y[0], y[1], y[2], y[3] = s*x0+c*y0, s*x1+c*y1, s*x2+c*y2, s*x3+c*y3
	}
	for ; k < len(rp); k++ {
		x, y := rp[k], rq[k]
		rp[k], rq[k] = c*x-s*y, s*x+c*y
	}
}

// rotateColumns is a ← a J: columns p and q of the n×n matrix a, four rows per
// iteration.
func rotateColumns(a []float64, n, p, q int, c, s float64) {
	a = a[:n*n]
	k := 0
	for ; k+4*n <= n*n; k += 4 * n {
		x0, y0 := a[k+p], a[k+q]
		x1, y1 := a[k+n+p], a[k+n+q]
		x2, y2 := a[k+2*n+p], a[k+2*n+q]
		x3, y3 := a[k+3*n+p], a[k+3*n+q]
		a[k+p], a[k+q] = c*x0-s*y0, s*x0+c*y0
		a[k+n+p], a[k+n+q] = c*x1-s*y1, s*x1+c*y1
		a[k+2*n+p], a[k+2*n+q] = c*x2-s*y2, s*x2+c*y2
		a[k+3*n+p], a[k+3*n+q] = c*x3-s*y3, s*x3+c*y3
	}
	for ; k < n*n; k += n {
		x, y := a[k+p], a[k+q]
		a[k+p], a[k+q] = c*x-s*y, s*x+c*y
	}
}
