package weightgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"dnw/host/internal/device"
	"dnw/host/internal/engine"
	"dnw/host/internal/safetensors"
	"dnw/sdk"
)

// Predictor predicts all N chunks of a LoRA vector for a prompt embedding in one batch.
type Predictor struct {
	// Guidance is the classifier-free guidance scale (Ho & Salimans 2022):
	// ε̂ = ε̂(∅) + g·(ε̂(τ) − ε̂(∅)), with ∅ the null prompt the denoiser trained on for a
	// fraction text_dropout of its samples. 1 (the default of NewPredictor) uses the
	// prompt alone; below 1 the prediction moves toward the unconditional one, the
	// weight dataset's mean, shrinking what the prompt adds as ridge regression
	// shrinks; above 1 it exaggerates it. Any other value than 1 runs the denoiser
	// twice.
	Guidance float64

	spec   Spec
	tables sdk.ScheduleTables
	model  *engine.Model
	inf    *engine.Inference
	in     map[string][]float32
}

// NewPredictor compiles the denoiser of spec on dev for batches of its N chunks with
// the given weights (the trainer's average, or its raw weights).
func NewPredictor(spec Spec, tables sdk.ScheduleTables, weights map[string]safetensors.Tensor, dev device.Name) (*Predictor, error) {
	g, err := Build(spec)
	if err != nil {
		return nil, err
	}
	m, err := engine.CompileOn(dev, g, 1, 0)
	if err != nil {
		return nil, err
	}
	if err := m.Load(weights); err != nil {
		return nil, fmt.Errorf("weightgen: denoiser weights: %w", err)
	}
	inf, err := engine.NewInference(g, spec.Chunks, m)
	if err != nil {
		return nil, err
	}
	p := &Predictor{Guidance: 1, spec: spec, tables: tables, model: m, inf: inf, in: newInputs(spec, spec.Chunks)}
	for n := range spec.Chunks {
		setIndex(spec, p.in, n, n)
	}
	return p, nil
}

// Predictor compiles the saved denoiser's predictor on dev at the guidance the run
// was trained and checked with (Info.Guidance).
func (s Saved) Predictor(dev device.Name) (*Predictor, error) {
	p, err := NewPredictor(s.Spec, s.Tables, s.Weights, dev)
	if err != nil {
		return nil, err
	}
	p.Guidance = s.Info.Guidance
	return p, nil
}

// epsilon is ε̂ for every chunk at timestep t under the predictor's guidance.
func (p *Predictor) epsilon(x []float32, t int, text []float32) ([]float32, error) {
	if len(text) != p.spec.TextDim {
		return nil, fmt.Errorf("weightgen: prompt embedding of %d values, the denoiser takes %d", len(text), p.spec.TextDim)
	}
	cond, err := p.run(x, t, text)
	if err != nil || p.Guidance == 1 {
		return cond, err
	}
	uncond, err := p.run(x, t, make([]float32, len(text)))
	if err != nil {
		return nil, err
	}
	g := float32(p.Guidance)
	for i, u := range uncond {
		cond[i] = u + g*(cond[i]-u)
	}
	return cond, nil
}

// run runs ε̂θ(x, t, n, τ) for every chunk n at timestep t, forming it from the
// network's output per Spec.Output, into a new slice.
func (p *Predictor) run(x []float32, t int, text []float32) ([]float32, error) {
	s := p.spec
	copy(p.in[InputChunk], x)
	for n := range s.Chunks {
		SinEnc(p.in[InputTime][n*s.SinDim:(n+1)*s.SinDim], float64(t))
		copy(p.in[InputText][n*s.TextDim:(n+1)*s.TextDim], text)
	}
	f, err := p.inf.Run(p.in)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(f) // the machine's buffer; the next run overwrites it
	if s.Output == OutputEpsilon {
		return out, nil
	}
	alpha, sigma := float32(p.tables.Alpha[t-1]), float32(p.tables.Sigma[t-1])
	for i, f := range out {
		out[i] = sigma*x[i] + alpha*f
	}
	return out, nil
}

// noise draws N·b values of N(0, I).
func (p *Predictor) noise(rng *rand.Rand) []float32 {
	x := make([]float32, p.spec.Chunks*p.spec.ChunkSize)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// OneStep is the paper's single-step prediction: from w_{t*} ~ N(0, I) at the
// noise-biased timestep t* it predicts ε̂ once for all chunks and returns the direct
// reconstruction w₀ = (w_{t*} − σ_{t*}·ε̂)/α_{t*}, normalized chunks (Codec.Vector
// turns them into a LoRA vector).
func (p *Predictor) OneStep(text []float32, tStar int, rng *rand.Rand) ([]float32, error) {
	return oneStep(p.noise(rng), tStar, p.tables, func(x []float32, t int) ([]float32, error) { return p.epsilon(x, t, text) })
}

// DDIM samples with steps deterministic DDIM steps (Song et al. 2021, η = 0) from
// w_T ~ N(0, I) down to w₀, on timesteps evenly spaced over T…1.
func (p *Predictor) DDIM(text []float32, steps int, rng *rand.Rand) ([]float32, error) {
	return ddim(p.noise(rng), steps, p.tables, func(x []float32, t int) ([]float32, error) { return p.epsilon(x, t, text) })
}

// MinOneStepAlpha is the smallest α_{t*} at which an ε-predicting denoiser may be
// read in one step: w₀ = (w_{t*} − σ·ε̂)/α divides ε̂'s error by α, 10× at 0.1 and
// 157× at the linear schedule's α_1000 = 0.0064. A v-predicting denoiser has no such
// division (w₀ = α·w_t − σ·F).
const MinOneStepAlpha = 0.1

// CheckOneStep refuses an ε-output denoiser read in one step at a t* where α is
// below MinOneStepAlpha.
func CheckOneStep(output, sampler string, tStar int, tables sdk.ScheduleTables) error {
	if output != OutputEpsilon || sampler != "one-step" || tStar < 1 || tStar > len(tables.Alpha) {
		return nil
	}
	if a := tables.Alpha[tStar-1]; a < MinOneStepAlpha {
		return fmt.Errorf("output %q read in one step at t* = %d divides the predicted noise's error by α_t* = %.3g (%.0f×); "+
			"use output = \"v\", or a t* where α_t ≥ %g", output, tStar, a, 1/a, MinOneStepAlpha)
	}
	return nil
}

// denoiser is ε̂ for a batch x at timestep t.
type denoiser func(x []float32, t int) ([]float32, error)

// oneStep returns (x − σ_t·ε̂(x, t))/α_t.
func oneStep(x []float32, t int, tables sdk.ScheduleTables, eps denoiser) ([]float32, error) {
	if t < 1 || t > len(tables.Alpha) {
		return nil, fmt.Errorf("weightgen: t* = %d outside the schedule's 1…%d", t, len(tables.Alpha))
	}
	e, err := eps(x, t)
	if err != nil {
		return nil, err
	}
	alpha, sigma := float32(tables.Alpha[t-1]), float32(tables.Sigma[t-1])
	for i := range x {
		x[i] = (x[i] - sigma*e[i]) / alpha
	}
	return x, nil
}

// ddim runs DDIM from x at T: at each timestep t, ŵ₀ = (x − σ_t·ε̂)/α_t, and
// x = α_{t'}·ŵ₀ + σ_{t'}·ε̂ for the next timestep t' (ŵ₀ itself after the last).
func ddim(x []float32, steps int, tables sdk.ScheduleTables, eps denoiser) ([]float32, error) {
	T := len(tables.Alpha)
	if steps < 1 || steps > T {
		return nil, fmt.Errorf("weightgen: %d DDIM steps for a schedule of %d", steps, T)
	}
	ts := ddimTimesteps(T, steps)
	for k, t := range ts {
		e, err := eps(x, t)
		if err != nil {
			return nil, err
		}
		alpha, sigma := float32(tables.Alpha[t-1]), float32(tables.Sigma[t-1])
		var nextAlpha, nextSigma float32 = 1, 0
		if k+1 < len(ts) {
			nextAlpha, nextSigma = float32(tables.Alpha[ts[k+1]-1]), float32(tables.Sigma[ts[k+1]-1])
		}
		for i := range x {
			x0 := (x[i] - sigma*e[i]) / alpha
			x[i] = nextAlpha*x0 + nextSigma*e[i]
		}
	}
	return x, nil
}

// ddimTimesteps are steps timesteps from T down to 1, evenly spaced.
func ddimTimesteps(T, steps int) []int {
	ts := make([]int, steps)
	for k := range steps {
		ts[k] = T - int(math.Round(float64(k)*float64(T-1)/float64(max(steps-1, 1))))
	}
	return ts
}

// Close releases the inference graph.
func (p *Predictor) Close() { p.inf.Close() }
