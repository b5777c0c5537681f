// Package tape is the engine's device path: it compiles an arch IR graph into a
// fixed plan of kernel calls on a Backend, runs it forward, differentiates it by
// walking the plan backwards (each IR op knows its own backward kernels), and
// trains it with Adam, all in the backend's memory. On a GPU (the CUDA backend,
// build tag cuda) parameters, optimizer state, activations and gradients stay on
// the device; only inputs go up, and losses, evaluation outputs and checkpoints
// come back.
//
// The CPU path of dnw is the gorgonia engine (package engine); this package runs
// on the CPU too, over dnw/kernels (NewCPU), so that everything above the kernels
// (the plan, the gradients, the optimizer, the GAN and regression loops) is tested
// on every machine against that engine, and a GPU run only has the kernels left to
// check.
//
// Every buffer is float32. Shapes carry the batch first, as the engine's: images
// (B, C, H, W), tokens (B, N, D).
package tape
