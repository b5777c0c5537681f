// Package vector holds the kernels' hand-written vector instructions (Go assembly),
// apart from package kernels because Go does not build assembly into a package that
// uses cgo, as kernels does for OpenBLAS. Each function does the part of a loop that
// vector instructions can, and returns how far it got; the caller finishes in Go, so
// results are the same on every processor up to floating-point rounding.
package vector
