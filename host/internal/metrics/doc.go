// Package metrics scores generated images against their targets: the built-in
// metrics that drive convergence (metrics.primary) and are reported. WASM metric
// extensions (a later issue) plug in beside them.
package metrics
