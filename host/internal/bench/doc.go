// Package bench times dnw's training step and the same step in PyTorch, for the
// side-by-side figures of docs/benchmarks.md (`dnw bench train`). It measures; it
// asserts nothing about speed: speed targets are checked by reading its reports.
package bench
