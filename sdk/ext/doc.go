// Package ext is the guest SDK of dnw's WASM extensions: metrics that score batches
// of generated images and filters that keep or drop records at the pipeline's
// hooks. An extension is a WebAssembly module that the host runs sandboxed under
// wazero, with no access to files, network, environment or real clock.
//
// A Go extension is a main package built as a WASI reactor
// (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared) that registers one
// function in init:
//
//	func init() { ext.Metric(ext.Info{Name: "psnr", Version: "1.0.0", HigherIsBetter: true}, psnr) }
//	func main() {}
//
// This package exports the ABI's functions for it and hides the memory plumbing.
// The ABI itself (ABI.md beside this file) is language-neutral: the host also
// uses this package's encoders and decoders, and a module written in any language
// that follows ABI.md works the same way. README.md shows how to write, build and
// test an extension.
package ext
