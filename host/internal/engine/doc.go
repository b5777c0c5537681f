// Package engine turns arch IR graphs into trainable models: it initializes their
// parameters, saves and loads them as safetensors checkpoints, and (package
// engine/ops) runs their ops as gorgonia custom ops over dnw's kernels.
//
// On a GPU (a device other than the CPU in GANConfig, NewRegression or CompileOn)
// the same types hand over to package engine/tape, which runs the IR graph as a plan
// of kernel calls on the CUDA backend (device.go): the pipelines call the same API
// on either device, and checkpoints read alike whichever device wrote them.
package engine
