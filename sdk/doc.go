// Package sdk is the public contract of dnw: the only package that plugin and
// extension authors import. The plugin kinds (architecture, LoRA placement, chunker,
// noise schedule, text encoder), their gRPC services and the WASM extension ABI are
// defined here as they land. Imports flow host → sdk ← plugins.
package sdk
