// Command converged is dnw's built-in checkpoint filter (filters.checkpoints) as a
// WASM extension: it keeps a collected checkpoint when its metric is within a
// relative epsilon of its concept's best metric over the fine-tune, in the
// metric's direction: the paper collects checkpoints once a concept's training
// has converged, and this is that rule made explicit.
package main
