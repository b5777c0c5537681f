//go:build !dnw_cuda

package device

// cudaCompiled is false: this build has no CUDA backend (see cuda.go).
const cudaCompiled = false

func cudaDevices() (int, error) { return 0, nil }
