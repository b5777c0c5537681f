//go:build !dnw_cuda

package bench

// gpuTraffic has nothing to count without the CUDA backend.
func gpuTraffic() func(steps int) *GPUTraffic { return func(int) *GPUTraffic { return nil } }
