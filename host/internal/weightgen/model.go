package weightgen

import (
	"fmt"
	"math"
	"math/rand/v2"

	"dnw/host/internal/device"
	"dnw/host/internal/engine"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// Example is one LoRA checkpoint of the weight dataset as the denoiser trains on it:
// its normalized chunks (Codec.Chunks) and its concept's prompt embedding τ(T).
type Example struct {
	Chunks []float32 // N·b
	Text   []float32 // D
}

// TrainConfig is the optimization of the denoiser.
type TrainConfig struct {
	Batch       int     // chunks per step, each of a random example, position and timestep
	LR          float64 // AdamW's peak learning rate
	Steps       int     // the run's length: the rate decays to zero along a half cosine over it; 0 keeps it constant
	WeightDecay float64 // AdamW's decoupled weight decay
	EMA         float64 // decay of the weight average; 0 turns it off
	TextDropout float64 // probability of training a chunk with the null prompt (zeros), for classifier-free guidance
	// Loss is LossEpsilon (the default, also for "") or LossV, which needs OutputV.
	Loss string
	// TStarShare is the share of draws whose timestep is TStar, where one-step
	// prediction reads the denoiser; the others are uniform over 1…T. 0 is uniform.
	TStarShare float64
	TStar      int
	// Device is where the denoiser trains: the CPU (the zero value) or a GPU.
	Device device.Name
}

// The training losses (weightgen.loss).
const (
	// LossEpsilon is ‖ε − ε̂θ‖², the paper's: with OutputV it is α_t²·‖v − F‖².
	LossEpsilon = "epsilon"
	// LossV is ‖v − F‖² (Salimans & Ho 2022): every timestep weighs alike, where the
	// ε loss gives the high-noise steps, from which one-step prediction starts, a
	// weight α_t² of next to nothing.
	LossV = "v"
)

// Trainer fits the denoiser by ε-prediction (Ho et al. 2020): for a chunk w_n of an
// example, a timestep t and noise ε ~ N(0, I), the loss is ‖ε − ε̂θ(α_t·w_n + σ_t·ε, t,
// n, τ(T))‖², averaged over a batch of (example, chunk, timestep) draws. With
// Spec.Output = OutputV, ε̂θ = σ_t·w_t + α_t·F and the same loss is α_t²·‖v − F‖²: the
// network's target is v with weight α_t², or weight 1 with TrainConfig.Loss = LossV.
type Trainer struct {
	Spec  Spec
	Graph ir.Graph
	Reg   *engine.Regression

	tables sdk.ScheduleTables
	cfg    TrainConfig
	step   int // steps taken, for the learning-rate schedule
	in     map[string][]float32
	target []float32
	weight []float32 // per output value: α_t² for the ε loss with OutputV; nil (all 1) otherwise
}

// NewTrainer compiles the denoiser of spec for training with the schedule's tables
// (its timesteps are len(tables.Alpha)); parameters start from seed.
func NewTrainer(spec Spec, tables sdk.ScheduleTables, cfg TrainConfig, seed uint64) (*Trainer, error) {
	g, err := Build(spec)
	if err != nil {
		return nil, err
	}
	if len(tables.Alpha) == 0 || len(tables.Sigma) != len(tables.Alpha) {
		return nil, fmt.Errorf("weightgen: schedule tables of %d α and %d σ", len(tables.Alpha), len(tables.Sigma))
	}
	opt := engine.NewAdam(cfg.LR, 0.9)
	opt.WeightDecay = cfg.WeightDecay
	reg, err := engine.NewRegression(g, cfg.Batch, seed, opt, cfg.EMA, cfg.Device)
	if err != nil {
		return nil, err
	}
	t := &Trainer{Spec: spec, Graph: g, Reg: reg, tables: tables, cfg: cfg,
		in: newInputs(spec, cfg.Batch), target: make([]float32, cfg.Batch*spec.ChunkSize)}
	switch {
	case cfg.Loss == LossV && spec.Output != OutputV:
		return nil, fmt.Errorf("weightgen: loss %s needs output %s", LossV, OutputV)
	case cfg.TStarShare < 0 || cfg.TStarShare > 1:
		return nil, fmt.Errorf("weightgen: t* share %g: want a share in [0, 1]", cfg.TStarShare)
	case cfg.TStarShare > 0 && (cfg.TStar < 1 || cfg.TStar > len(tables.Alpha)):
		return nil, fmt.Errorf("weightgen: t* = %d outside the schedule's 1…%d", cfg.TStar, len(tables.Alpha))
	case cfg.Loss != "" && cfg.Loss != LossEpsilon && cfg.Loss != LossV:
		return nil, fmt.Errorf("weightgen: loss %q: want %s or %s", cfg.Loss, LossEpsilon, LossV)
	case spec.Output == OutputV && cfg.Loss != LossV:
		t.weight = make([]float32, len(t.target)) // α_t² per sample, set by Step
	}
	return t, nil
}

// newInputs allocates the denoiser's inputs for a batch of n chunks.
func newInputs(s Spec, n int) map[string][]float32 {
	in := map[string][]float32{
		InputChunk:    make([]float32, n*s.ChunkSize),
		InputPosition: make([]float32, 0, n*positionChannels*s.ChunkSize),
		InputTime:     make([]float32, n*s.SinDim),
		InputText:     make([]float32, n*s.TextDim),
	}
	position := positionInput(s.ChunkSize)
	for range n {
		in[InputPosition] = append(in[InputPosition], position...)
	}
	switch s.BlockIndex {
	case IndexSinusoidal:
		in[InputIndex] = make([]float32, n*s.SinDim)
	case IndexLearned:
		in[InputIndex] = make([]float32, n*s.Chunks)
	}
	if s.HasLinearRoute() {
		in[InputIndexOneHot] = make([]float32, n*s.Chunks)
	}
	return in
}

// setIndex writes the encoding of chunk index n into sample i of the inputs.
func setIndex(s Spec, in map[string][]float32, i, n int) {
	switch s.BlockIndex {
	case IndexSinusoidal:
		SinEnc(in[InputIndex][i*s.SinDim:(i+1)*s.SinDim], float64(n))
	case IndexLearned:
		oneHot(in[InputIndex][i*s.Chunks:(i+1)*s.Chunks], n)
	}
	if s.HasLinearRoute() {
		oneHot(in[InputIndexOneHot][i*s.Chunks:(i+1)*s.Chunks], n)
	}
}

// Step draws a batch from data with rng and runs one optimizer step; it returns the
// batch's loss.
func (t *Trainer) Step(rng *rand.Rand, data []Example) (float64, error) {
	s, b := t.Spec, t.Spec.ChunkSize
	for i := range t.cfg.Batch {
		e := data[rng.IntN(len(data))]
		n := rng.IntN(s.Chunks)
		ts := t.timestep(rng)
		alpha, sigma := float32(t.tables.Alpha[ts-1]), float32(t.tables.Sigma[ts-1])
		x, target := t.in[InputChunk][i*b:(i+1)*b], t.target[i*b:(i+1)*b]
		for j, w := range e.Chunks[n*b : (n+1)*b] {
			eps := float32(rng.NormFloat64())
			x[j] = alpha*w + sigma*eps
			target[j] = eps
			if s.Output == OutputV {
				target[j] = alpha*eps - sigma*w // v
			}
			if t.weight != nil {
				t.weight[i*b+j] = alpha * alpha
			}
		}
		SinEnc(t.in[InputTime][i*s.SinDim:(i+1)*s.SinDim], float64(ts))
		setIndex(s, t.in, i, n)
		text := t.in[InputText][i*s.TextDim : (i+1)*s.TextDim]
		if rng.Float64() < t.cfg.TextDropout {
			clear(text)
		} else {
			copy(text, e.Text)
		}
	}
	t.Reg.Opt.LR = t.rate()
	t.step++
	return t.Reg.Step(t.in, t.target, t.weight)
}

// timestep draws a training timestep: t* with probability TStarShare, else uniform
// over 1…T. Uniform draws take one number from rng, as before TStarShare existed, so
// that runs without it are unchanged.
func (t *Trainer) timestep(rng *rand.Rand) int {
	ts := 1 + rng.IntN(len(t.tables.Alpha))
	if t.cfg.TStarShare > 0 && rng.Float64() < t.cfg.TStarShare {
		ts = t.cfg.TStar
	}
	return ts
}

// rate is the learning rate of the next step: cosine decay from LR to 0 over Steps
// (Loshchilov & Hutter 2017, without restarts), as nanoGPT and most diffusion
// trainers use; it lets the last steps settle into the minimum the early ones found.
func (t *Trainer) rate() float64 {
	if t.cfg.Steps <= 0 {
		return t.cfg.LR
	}
	frac := min(float64(t.step)/float64(t.cfg.Steps), 1)
	return t.cfg.LR * 0.5 * (1 + math.Cos(math.Pi*frac))
}

// State is the trainer's state after the steps taken, for a checkpoint.
func (t *Trainer) State() engine.RegressionState { return t.Reg.State() }

// Restore continues from a State taken after step steps.
func (t *Trainer) Restore(step int, s engine.RegressionState) error {
	t.step = step
	return t.Reg.Restore(s)
}

// Close releases the training graph.
func (t *Trainer) Close() { t.Reg.Close() }
