package bench

// GPUTraffic is what one training step asks of the GPU, averaged over the timed
// steps: how many kernels, cuBLAS products, uploads and waits, and how long the
// host waited for the GPU. The rest of a step's time the host spent issuing work
// (and the GPU, if it finished first, idled): a step whose waits are a small part
// of it is bound by launches, not by the GPU's arithmetic.
type GPUTraffic struct {
	Launches, Products, Uploads, Syncs float64
	WaitMs                             float64
	// Kernels is, with DNW_PROFILE=1, each kernel's time per step, the longest
	// first (every call then waits for the GPU, so the step itself runs slower).
	Kernels []KernelTime `json:",omitempty"`
}

// KernelTime is one kernel's (or cuBLAS call shape's) share of a step.
type KernelTime struct {
	Name         string
	CallsPerStep float64
	MsPerStep    float64
}
