//go:build dnw_cuda

package device

import "dnw/kernels/cuda"

// cudaCompiled is true: the binary was built with the cuda tag.
const cudaCompiled = true

// cudaDevices counts the GPUs the CUDA driver sees.
func cudaDevices() (int, error) { return cuda.Count() }
