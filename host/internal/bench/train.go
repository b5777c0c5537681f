package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"dnw/host/internal/device"
	"dnw/host/internal/engine"
	"dnw/kernels"
	"dnw/sdk/ir"
)

// TrainConfig is one training-step benchmark: pix2pix's objective (loss + 100·L1,
// Adam lr 2e-4, β1 0.5) on random pairs, as the engine's BenchmarkGANStep.
type TrainConfig struct {
	Batch  int
	Size   int // image side; the arch plugin was built for it
	Warmup int // untimed steps first (the first allocates the machines' buffers)
	Steps  int // timed steps
	Loss   string
	Seed   uint64
	Device device.Name `json:"-"` // where dnw's step runs: the CPU (the zero value) or a GPU; printed as its name
	TF32   bool        // on a GPU, both sides' matrix products and convolutions may use TF32 tensor cores
}

// Result is the timing of one side.
type Result struct {
	Engine     string    // "dnw" or "torch VERSION"
	Backend    string    // dnw: the kernels' BLAS backend
	Threads    int       // GOMAXPROCS, or torch's intra-op threads
	MsPerStep  float64   // median
	MsAll      []float64 // every timed step
	GenParams  int
	DiscParams int
	GPU        *GPUTraffic `json:",omitempty"` // dnw on a GPU: what a step asks of it
}

// Train times engine.GAN steps of model (generator + discriminator step each).
func Train(model ir.Model, c TrainConfig, progress func(step int)) (Result, error) {
	if c.Batch < 1 || c.Steps < 1 || c.Warmup < 0 {
		return Result{}, fmt.Errorf("bench: batch %d and steps %d must be ≥ 1, warmup %d ≥ 0", c.Batch, c.Steps, c.Warmup)
	}
	g, err := engine.NewGAN(model, nil, engine.GANConfig{Loss: c.Loss, LambdaL1: 100, LR: 2e-4, Batch: c.Batch, Device: c.Device}, c.Seed)
	if err != nil {
		return Result{}, err
	}
	defer g.Close()
	src, tgt := randomPairs(c.Batch*3*c.Size*c.Size, c.Seed)
	r := Result{Engine: "dnw", Backend: kernels.BLAS, Threads: runtime.GOMAXPROCS(0),
		GenParams: model.Generator.NumParams(), DiscParams: model.Discriminator.NumParams()}
	if !c.Device.IsCPU() {
		r.Backend = c.Device.String()
		if c.TF32 {
			r.Backend += ", TF32"
		}
	}
	var traffic func(int) *GPUTraffic
	for i := range c.Warmup + c.Steps {
		if i == c.Warmup && !c.Device.IsCPU() {
			traffic = gpuTraffic()
		}
		start := time.Now()
		if _, err := g.Step(src, tgt); err != nil {
			return r, err
		}
		if i >= c.Warmup {
			r.MsAll = append(r.MsAll, float64(time.Since(start).Microseconds())/1000)
		}
		if progress != nil {
			progress(i + 1)
		}
	}
	r.MsPerStep = median(r.MsAll)
	if traffic != nil {
		r.GPU = traffic(c.Steps)
	}
	return r, nil
}

// randomPairs returns n uniform sources in [-1, 1] and their negatives as targets
// (the inputs of BenchmarkGANStep and of the PyTorch script).
func randomPairs(n int, seed uint64) (src, tgt []float32) {
	rng := rand.New(rand.NewPCG(seed, 2))
	src, tgt = make([]float32, n), make([]float32, n)
	for i := range src {
		src[i] = float32(rng.Float64()*2 - 1)
		tgt[i] = -src[i]
	}
	return src, tgt
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
