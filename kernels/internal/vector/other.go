//go:build !amd64 || purego

package vector

// Available: no vector path on this architecture (or with the purego tag); every
// function here takes no values and leaves them all to the caller.
const Available = false

// Exp takes no values: the caller computes all of them one at a time.
func Exp(dst, x []float32) int { return 0 }

// Sigmoid takes no values: the caller computes all of them one at a time.
func Sigmoid(dst, x []float32) int { return 0 }

// Phi takes no values: the caller computes all of them one at a time.
func Phi(dst, x []float32) int { return 0 }

// Sum takes no values: the caller sums all of them.
func Sum(x []float32) (float64, int) { return 0, 0 }

// SumSquaredDev takes no values: the caller sums all of them.
func SumSquaredDev(x []float32, mu float64) (float64, int) { return 0, 0 }

// Affine takes no values: the caller computes all of them.
func Affine(dst, x []float32, scale, shift float32) int { return 0 }

// SiLU takes no values: the caller computes all of them one at a time.
func SiLU(dst, x []float32) int { return 0 }
