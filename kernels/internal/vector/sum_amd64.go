//go:build !purego

package vector

//go:noescape
func sumAVX2(x *float32, n int) float64

//go:noescape
func sumSquaredDevAVX2(x *float32, n int, mu float64) float64

//go:noescape
func affineAVX2(dst, x *float32, n int, scale, shift float32)

// Sum returns Σ x[0:k] in float64 and k, the values it took: whole groups of eight.
func Sum(x []float32) (float64, int) {
	k := len(x) &^ 7
	if !Available || k == 0 {
		return 0, 0
	}
	return sumAVX2(&x[0], k), k
}

// SumSquaredDev returns Σ (x[i] − mu)² over x[0:k] in float64 and k, as Sum.
func SumSquaredDev(x []float32, mu float64) (float64, int) {
	k := len(x) &^ 7
	if !Available || k == 0 {
		return 0, 0
	}
	return sumSquaredDevAVX2(&x[0], k, mu), k
}

// Affine writes dst[i] = x[i]·scale + shift for i < k and returns k, as Sum.
func Affine(dst, x []float32, scale, shift float32) int {
	k := len(x) &^ 7
	if !Available || k == 0 {
		return 0
	}
	_ = dst[k-1]
	affineAVX2(&dst[0], &x[0], k, scale, shift)
	return k
}
