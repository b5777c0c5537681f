package pipeline

import (
	"context"
	"fmt"

	"dnw/host/internal/engine"
	"dnw/host/internal/lora"
	"dnw/host/internal/metrics"
	"dnw/host/internal/pairstore"
	"dnw/host/internal/safetensors"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// loraFit is one concept's LoRA fine-tune from the base model: what stage collect
// runs per training concept, and the fine-tunes of held-out concepts will run too.
type loraFit struct {
	Model     ir.Model
	Placement sdk.Placement
	Base      map[string]safetensors.Tensor // the base generator (and its running statistics)
	Disc      map[string]safetensors.Tensor // the base discriminator, the starting point of each concept's
	GAN       engine.GANConfig
	Steps     int
	EvalEvery int
	Keep      []int // steps at which to keep the LoRA vector
	Metric    metrics.Metric
	Seed      uint64 // the experiment's: LoRA's A starts the same for every concept
}

// kept is a LoRA vector kept at a step, with the metric there.
type kept struct {
	Step   int
	Metric float64
	Vector []float32
}

// fitResult is a concept's kept vectors and its metric curve (step → score), whose
// first point, step 0, scores the base model.
type fitResult struct {
	Kept  []kept
	Curve [][2]float64
}

// run fine-tunes on data.Train, scoring data.Test before the first step, every
// EvalEvery steps and at every kept step. Batches are drawn from one stream that every
// concept shares (seeded by the seed alone): with shared sources (renderPairs) every
// fine-tune then sees the same pictures in the same order, and only the targets
// differ. A concept's result does not depend on which others ran, or in which order.
func (f loraFit) run(ctx context.Context, data pairstore.Concept) (fitResult, error) {
	var res fitResult
	g, err := engine.NewGAN(f.Model, &f.Placement, f.GAN, f.Seed)
	if err != nil {
		return res, err
	}
	defer g.Close()
	if err := g.Gen.Load(f.Base); err != nil {
		return res, fmt.Errorf("base generator: %w", err)
	}
	if err := g.Disc.Load(f.Disc); err != nil {
		return res, fmt.Errorf("base discriminator: %w", err)
	}
	gen, err := engine.NewGenerator(f.Model.Generator, data.Test.N, g.Gen)
	if err != nil {
		return res, err
	}
	defer gen.Close()
	params, err := lora.Params(f.Model.Generator, f.Placement)
	if err != nil {
		return res, err
	}
	rng := conceptStream(f.Seed, "fit/batches")
	keep := map[int]bool{}
	for _, s := range f.Keep {
		keep[s] = true
	}
	evaluate := func(step int) error {
		out, err := gen.Run(data.Test.Source)
		if err != nil {
			return err
		}
		score := f.Metric.Score(out, data.Test.Target)
		res.Curve = append(res.Curve, [2]float64{float64(step), score})
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
		if _, err := g.Step(src, tgt); err != nil {
			return res, err
		}
		if step%f.EvalEvery == 0 || keep[step] || step == f.Steps {
			if err := evaluate(step); err != nil {
				return res, err
			}
		}
	}
	return res, nil
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
