//go:build dnw_cuda

package bench

import "dnw/kernels/cuda"

// gpuTraffic returns a function giving the GPU traffic since the call, per step.
func gpuTraffic() func(steps int) *GPUTraffic {
	start := cuda.Snapshot()
	return func(steps int) *GPUTraffic {
		now, n := cuda.Snapshot(), float64(steps)
		return &GPUTraffic{Launches: float64(now.Launches-start.Launches) / n, Products: float64(now.Products-start.Products) / n,
			Uploads: float64(now.Uploads-start.Uploads) / n, Syncs: float64(now.Syncs-start.Syncs) / n,
			WaitMs: float64((now.Waited - start.Waited).Microseconds()) / 1000 / n}
	}
}
