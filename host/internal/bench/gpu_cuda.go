//go:build dnw_cuda

package bench

import "dnw/kernels/cuda"

// gpuTraffic returns a function giving the GPU traffic since the call, per step.
func gpuTraffic() func(steps int) *GPUTraffic {
	start := cuda.Snapshot()
	cuda.Profile() // the warm-up's calls are not the steps'
	return func(steps int) *GPUTraffic {
		now, n := cuda.Snapshot(), float64(steps)
		t := &GPUTraffic{Launches: float64(now.Launches-start.Launches) / n, Products: float64(now.Products-start.Products) / n,
			Uploads: float64(now.Uploads-start.Uploads) / n, Syncs: float64(now.Syncs-start.Syncs) / n,
			WaitMs: float64((now.Waited - start.Waited).Microseconds()) / 1000 / n}
		for _, e := range cuda.Profile() {
			t.Kernels = append(t.Kernels, KernelTime{Name: e.Name, CallsPerStep: float64(e.Calls) / n,
				MsPerStep: float64(e.Time.Microseconds()) / 1000 / n})
		}
		return t
	}
}
