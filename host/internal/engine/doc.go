// Package engine turns arch IR graphs into trainable models: it initializes their
// parameters, saves and loads them as safetensors checkpoints, and (package
// engine/ops) runs their ops as gorgonia custom ops over dnw's kernels.
package engine
