package pipeline

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"dnw/host/internal/concepts"
	"dnw/host/internal/engine"
	"dnw/host/internal/lora"
	"dnw/host/internal/pairstore"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/stage"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// ganFit is one concept's GAN training: a LoRA fine-tune from the base model (what
// stage collect runs per training concept, and stage finetune per held-out concept
// and initialization), or, without a placement, the whole generator from random
// weights (the from-scratch baseline of stage finetune).
type ganFit struct {
	Model     ir.Model
	Placement *sdk.Placement                // nil: train the whole generator from random init; Base, Disc and Init are unused
	Base      map[string]safetensors.Tensor // the base generator (and its running statistics)
	Disc      map[string]safetensors.Tensor // the base discriminator, the starting point of each concept's
	Init      []float32                     // the LoRA vector to start from (lora.Params order); nil: the placement's standard init
	GAN       engine.GANConfig
	Steps     int
	EvalEvery int
	Keep      []int // steps at which to keep the LoRA vector
	Samples   []int // evaluation steps at which to keep the generator's output for the first test pair
	Metric    metric
	Seed      uint64 // the experiment's: LoRA's A (or the scratch weights) start the same for every concept
}

// fitInputs is what stages collect and finetune train from: the concepts, their
// pairs, the base model and the primary metric.
type fitInputs struct {
	Catalogue concepts.Catalogue
	Pairs     map[string]pairstore.Concept
	Base      map[string]safetensors.Tensor // the base generator's tensors
	Disc      map[string]safetensors.Tensor // the base discriminator's
	Metric    metric
}

// readFitInputs reads the stage's fit inputs and checks that every concept of the
// catalogue has pairs.
func readFitInputs(ctx context.Context, env *stage.Env) (fitInputs, error) {
	var in fitInputs
	var err error
	if in.Metric, err = primaryMetric(ctx, env); err != nil {
		return in, err
	}
	if in.Catalogue, err = concepts.ReadFile(env.Input("concepts/catalogue.json")); err != nil {
		return in, err
	}
	if in.Pairs, err = pairstore.Read(env.Input("pairs/pairs.safetensors")); err != nil {
		return in, err
	}
	for _, k := range in.Catalogue.Concepts {
		if _, ok := in.Pairs[k.ID]; !ok {
			return in, fmt.Errorf("concept %s has no pairs in pairs/pairs.safetensors", k.ID)
		}
	}
	base, err := engine.LoadCheckpoint(env.Input("base/generator.safetensors"))
	if err != nil {
		return in, err
	}
	disc, err := engine.LoadCheckpoint(env.Input("base/discriminator.safetensors"))
	if err != nil {
		return in, err
	}
	in.Base, in.Disc = base.Params, disc.Params
	return in, nil
}

// kept is a LoRA vector kept at a step, with the metric there.
type kept struct {
	Step   int
	Metric float64
	Vector []float32
}

// fitResult is a concept's kept vectors and its metric curve (step → score), whose
// first point, step 0, scores the starting model. Seconds, beside Curve, is the
// wall-clock time of the training steps up to each point, evaluations excluded.
type fitResult struct {
	Kept    []kept
	Curve   [][2]float64
	Seconds []float64 `json:",omitempty"`
	Samples []sample  `json:"-"`
	Final   []float32 `json:"-"` // the generator's output for every test pair at the last evaluation
}

// sample is the generator's output for the first test pair at a step, (3, H, W) in
// [-1, 1].
type sample struct {
	Step int
	Pix  []float32
}

// run fine-tunes on data.Train, scoring data.Test before the first step, every
// EvalEvery steps and at every kept step. Batches are drawn from one stream that every
// concept shares (seeded by the seed alone): with shared sources (renderPairs) every
// fine-tune then sees the same pictures in the same order, and only the targets
// differ. A concept's result does not depend on which others ran, or in which order.
func (f ganFit) run(ctx context.Context, data pairstore.Concept) (fitResult, error) {
	var res fitResult
	g, err := engine.NewGAN(f.Model, f.Placement, f.GAN, f.Seed)
	if err != nil {
		return res, err
	}
	defer g.Close()
	var params []sdk.Param
	if f.Placement != nil {
		if params, err = lora.Params(f.Model.Generator, *f.Placement); err != nil {
			return res, err
		}
		if err := g.Gen.Load(withLoRA(f.Base, params, f.Init)); err != nil {
			return res, fmt.Errorf("base generator: %w", err)
		}
		if err := g.Disc.Load(f.Disc); err != nil {
			return res, fmt.Errorf("base discriminator: %w", err)
		}
	}
	gen, err := engine.NewGenerator(f.Model.Generator, data.Test.N, g.Gen)
	if err != nil {
		return res, err
	}
	defer gen.Close()
	rng := conceptStream(f.Seed, "fit/batches")
	var training time.Duration
	keep := map[int]bool{}
	for _, s := range f.Keep {
		keep[s] = true
	}
	evaluate := func(step int) error {
		out, err := gen.Run(data.Test.Source)
		if err != nil {
			return err
		}
		score, err := f.Metric.Score(ctx, out, data.Test.Target, data.Test.N, data.Test.Size)
		if err != nil {
			return err
		}
		res.Curve = append(res.Curve, [2]float64{float64(step), score})
		res.Seconds = append(res.Seconds, training.Seconds())
		res.Final = out
		if slices.Contains(f.Samples, step) {
			res.Samples = append(res.Samples, sample{Step: step, Pix: slices.Clone(out[:len(out)/data.Test.N])})
		}
		if keep[step] {
			res.Kept = append(res.Kept, kept{Step: step, Metric: score, Vector: loraVector(g.Gen, params)})
		}
		return nil
	}
	if err := evaluate(0); err != nil { // the base model's score: what the fine-tune gains
		return res, err
	}
	for step := 1; step <= f.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		src, tgt := data.Train.Batch(rng, f.GAN.Batch)
		start := time.Now()
		if _, err := g.Step(src, tgt); err != nil {
			return res, err
		}
		training += time.Since(start)
		if step%f.EvalEvery == 0 || keep[step] || step == f.Steps {
			if err := evaluate(step); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// withLoRA returns the base model's tensors with the LoRA parameters set from vector
// (lora.Params order); a nil vector leaves the LoRA to the placement's standard init.
func withLoRA(base map[string]safetensors.Tensor, params []sdk.Param, vector []float32) map[string]safetensors.Tensor {
	if vector == nil {
		return base
	}
	out := maps.Clone(base)
	maps.Copy(out, lora.Tensors(params, vector))
	return out
}

// loraVector concatenates the model's trained tensors in the order of lora.Params:
// the vector the weight dataset stores and the chunkers cut.
func loraVector(m *engine.Model, params []sdk.Param) []float32 {
	ts := m.Tensors()
	var v []float32
	for _, p := range params {
		v = append(v, ts[p.Name].Data...)
	}
	return v
}
