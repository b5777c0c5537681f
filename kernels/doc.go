// Package kernels holds dnw's compute kernels: a plain-Go reference for each op, whose
// doc comment is the loop, and faster versions (cgo with OpenBLAS, CUDA through
// gorgonia.org/cu) behind build tags with the same signatures. It imports neither the
// host nor the sdk.
package kernels
