// Package ops holds the host's custom gorgonia ops: each implements gorgonia's Op and
// SDOp interfaces, runs a plain-Go kernel of dnw/kernels in Do, and differentiates
// symbolically into backward ops that run the backward kernels. They replace gorgonia
// ops that are missing, slow or wrong (docs/dependencies.md): Conv2d, UpsampleNearest,
// AvgPool (gorgonia's AveragePool2D backward is wrong) and GroupNorm (gorgonia's logs
// the whole gradient every step; instance norm is groups = channels).
//
// Every op accepts float32 and float64 tensors (dispatch on the dtype) in NCHW layout
// with a real batch dimension N. Inputs are never mutated; every op allocates its
// result.
//
// Shared boilerplate for writing an op lives in op.go (opBase, floats, newDense);
// gradcheck_test.go checks any expression's gradient against finite differences.
package ops
