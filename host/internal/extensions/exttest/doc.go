// Package exttest builds WASM extensions for tests: the built-ins of plugins/ext,
// test guests and modules in the WebAssembly text format, compiled once per state of their sources and shared by every
// test process through a content-addressed directory under the system's temporary
// directory.
package exttest
