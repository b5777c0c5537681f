// Package device names the hardware a run computes on: experiment.device = "cpu"
// (the default), "cuda" (the first GPU) or "cuda:N". It parses and checks those
// names, and says which backends this binary was built with: the CUDA backend is
// compiled in only with the cuda build tag (make cuda builds bin/dnw-cuda), so a
// default build names it in every error and never needs a GPU or the CUDA driver.
package device
