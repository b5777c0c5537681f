// Package kernels holds dnw's compute kernels: the forward and backward passes of
// every op the arch IR and the weight generator need, on flat row-major slices.
//
// Each kernel has a plain-Go reference, generic over float32 and float64, whose doc
// comment is the loop it computes; the engine runs float32, and the tests check every
// gradient against central finite differences in float64. The matrix products go
// through OpenBLAS (cgo) behind the openblas build tag; kernels/cuda runs the same
// kernels on an NVIDIA GPU behind the dnw_cuda tag. Conventions: destination first, inputs never mutated, shapes in
// comments as (N, C, H, W). The package imports neither the host nor the sdk.
package kernels

// Float is the element type of the reference kernels.
type Float interface{ ~float32 | ~float64 }
