// Package extensions runs dnw's WASM extensions (metrics and filters, ABI in
// sdk/ext/ABI.md) sandboxed in-process under github.com/tetratelabs/wazero.
//
// The sandbox: a module sees no files (unless the experiment grants one read-only
// directory, mounted at /data, out of which no symbolic link leads), no network,
// no environment, no arguments, a fake clock and deterministic randomness
// (wazero's defaults when none are configured);
// its memory is capped (Config.MemoryPages) and every call has a wall-clock
// deadline (Config.Deadline), enforced by closing the module
// (RuntimeConfig.WithCloseOnContextDone). A trap, a timeout, an exit or running out
// of memory fails that one call with an error that names the extension's file and
// the reason; the instance is discarded and the next call gets a fresh one, so the
// host and the run carry on.
//
// Modules are compiled once per process (from an on-disk compilation cache when
// Config.CacheDir is set: ~0.1 s instead of ~1.7 s for a Go guest,
// BenchmarkCompile, docs/dependencies.md) and their instances pooled, one per concurrent caller.
package extensions
