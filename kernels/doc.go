// Package kernels holds dnw's compute kernels: the forward and backward passes of
// every op the arch IR and the weight generator need, on flat row-major slices.
//
// Each kernel has a plain-Go reference, generic over float32 and float64, whose doc
// comment is the loop it computes; the engine runs float32, and the tests check every
// gradient against central finite differences in float64. Faster versions (cgo with
// OpenBLAS, CUDA through gorgonia.org/cu) come behind build tags with the same
// signatures. Conventions: destination first, inputs never mutated, shapes in
// comments as (N, C, H, W). The package imports neither the host nor the sdk.
package kernels

// Float is the element type of the reference kernels.
type Float interface{ ~float32 | ~float64 }
