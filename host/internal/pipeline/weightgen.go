package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"

	"dnw/host/internal/engine"
	"dnw/host/internal/lora"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/stage"
	"dnw/host/internal/weightgen"
	"dnw/sdk"
)

// weightgenStage trains the weight generator on the weight dataset: every kept LoRA
// checkpoint of stage collect, cut into chunks by the chunker plugin, with each of
// its concept's prompts embedded once by the text-encoder plugin.
var weightgenStage = stage.Stage{
	Name: "weightgen",
	Doc:  "the diffusion model over LoRA weight chunks",
	Keys: []string{"weightgen", "lora", "model"},
	Plugins: []string{"model.arch", "lora.placement", "weightgen.chunker", "weightgen.schedule",
		"weightgen.text_encoder"},
	Inputs:  []string{"collect/weights.safetensors", "collect/index.json"},
	Outputs: []string{"denoiser.safetensors", "loss.csv"},
	Run:     runWeightgen,
}

// weightgenState is everything the training loop needs to continue exactly.
type weightgenState struct {
	Step  int
	Train engine.RegressionState
	RNG   []byte // the batch stream's rand.PCG state
	Sum   float64
	Curve []LossRow
}

// LossRow is one line of loss.csv: the mean training loss of the steps since the
// previous row.
type LossRow struct {
	Step int
	Loss float64
}

func runWeightgen(ctx context.Context, env *stage.Env) error {
	c := env.Config
	w := c.Weightgen
	model, _, err := buildArch(ctx, env)
	if err != nil {
		return err
	}
	placement, err := placeLoRA(ctx, env, model.Generator)
	if err != nil {
		return err
	}
	params, err := lora.Params(model.Generator, placement)
	if err != nil {
		return err
	}
	plugin, opts, err := env.Plugin(ctx, "weightgen.chunker")
	if err != nil {
		return err
	}
	layout, err := plugin.(sdk.Chunker).Layout(ctx, params, w.ChunkSize, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", w.Chunker, err)
	}
	if plugin, opts, err = env.Plugin(ctx, "weightgen.schedule"); err != nil {
		return err
	}
	tables, err := plugin.(sdk.NoiseSchedule).Tables(ctx, w.Timesteps, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", w.Schedule, err)
	}

	kept, err := readWeightDataset(env.Input("collect/index.json"), env.Input("collect/weights.safetensors"), lora.Size(params))
	if err != nil {
		return err
	}
	textPlugin, textOpts, err := env.Plugin(ctx, "weightgen.text_encoder")
	if err != nil {
		return err
	}
	embed, dim, err := embedPrompts(ctx, textPlugin.(sdk.TextEncoder), textOpts, kept)
	if err != nil {
		return fmt.Errorf("%s: %w", w.TextEncoder, err)
	}
	var vectors [][]float32
	for _, k := range kept {
		vectors = append(vectors, k.vector)
	}
	codec, err := weightgen.NewCodec(layout, params, vectors)
	if err != nil {
		return err
	}
	var data []weightgen.Example
	for _, k := range kept { // every paraphrase of the concept's prompt with every checkpoint
		chunks := codec.Chunks(k.vector)
		for _, p := range k.prompts {
			data = append(data, weightgen.Example{Chunks: chunks, Text: embed[p]})
		}
	}

	spec := weightgen.Spec{ChunkSize: layout.ChunkSize, Widths: [3]int(w.Widths), Depths: [3]int(w.Depths),
		Heads: w.Heads, TextDim: dim, SinDim: max(2, w.Widths[0]/2*2), BlockIndex: w.BlockIndex, Chunks: len(layout.Chunks)}
	tr, err := weightgen.NewTrainer(spec, tables, weightgen.TrainConfig{Batch: w.Batch, LR: w.LR, Steps: w.Steps,
		WeightDecay: w.WeightDecay, EMA: w.EMA, TextDropout: w.TextDropout}, uint64(c.Experiment.Seed))
	if err != nil {
		return err
	}
	defer tr.Close()

	src := env.Source("batches")
	var st weightgenState
	if ok, err := env.LoadCheckpoint(&st); err != nil {
		return err
	} else if ok {
		if err := src.UnmarshalBinary(st.RNG); err != nil {
			return fmt.Errorf("restoring the batch stream: %w", err)
		}
		if err := tr.Restore(st.Step, st.Train); err != nil {
			return fmt.Errorf("restoring the denoiser: %w", err)
		}
	}
	rng := rand.New(src)
	env.Log.Info("training the weight generator", "checkpoints", len(kept), "examples", len(data),
		"chunks", spec.Chunks, "chunk_size", spec.ChunkSize, "groups", len(layout.Groups), "text_dim", dim,
		"block_index", spec.BlockIndex, "params", tr.Graph.NumParams(), "steps", w.Steps, "batch", w.Batch)
	bar := env.Progress(int64(w.Steps), "steps", int64(st.Step))
	for st.Step < w.Steps {
		if err := ctx.Err(); err != nil {
			return err // the last checkpoint holds; the steps since are redone
		}
		loss, err := tr.Step(rng, data)
		if err != nil {
			return err
		}
		st.Step++
		st.Sum += loss
		bar.Set(int64(st.Step))
		if since := st.Step % w.LogEvery; since == 0 || st.Step == w.Steps {
			if since == 0 {
				since = w.LogEvery
			}
			row := LossRow{Step: st.Step, Loss: st.Sum / float64(since)}
			st.Curve, st.Sum = append(st.Curve, row), 0
			env.Log.Info("weightgen loss", "step", row.Step, "loss", row.Loss)
			st.Train = tr.State()
			if st.RNG, err = src.MarshalBinary(); err != nil {
				return err
			}
			if err := env.SaveCheckpoint(&st, int64(st.Step)); err != nil {
				return err
			}
		}
	}

	weights := tr.Reg.Model.Tensors()
	if tr.Reg.EMA != nil {
		weights = tr.Reg.EMA.Tensors(tr.Reg.Model)
	}
	saved := weightgen.Saved{Spec: spec, Codec: codec, Tables: tables, Weights: weights, Info: weightgen.Info{
		TextEncoder: w.TextEncoder, TextOptions: textOpts, Schedule: w.Schedule, Sampler: w.Sampler,
		TStar: w.TStar, DDIMSteps: w.DDIMSteps, Arch: c.Model.Arch, Placement: c.LoRA.Placement,
		Steps: st.Step, FinalLoss: st.Curve[len(st.Curve)-1].Loss}}
	if err := saved.Save(env.Path("denoiser.safetensors")); err != nil {
		return err
	}
	return env.Write("loss.csv", func(out io.Writer) error {
		if _, err := fmt.Fprintf(out, "step,loss\n"); err != nil {
			return err
		}
		for _, r := range st.Curve {
			if _, err := fmt.Fprintf(out, "%d,%s\n", r.Step, csvNum(r.Loss)); err != nil {
				return err
			}
		}
		return nil
	})
}

// keptCheckpoint is one checkpoint of the weight dataset the filter admitted.
type keptCheckpoint struct {
	concept string
	prompts []string
	vector  []float32
}

// readWeightDataset reads stage collect's index and the vectors of its kept
// checkpoints, each of size weights.
func readWeightDataset(indexPath, weightsPath string, size int) ([]keptCheckpoint, error) {
	data, err := os.ReadFile(indexPath)
	if err != nil {
		return nil, err
	}
	var index []IndexEntry
	if err := json.Unmarshal(data, &index); err != nil {
		return nil, fmt.Errorf("%s: %w", indexPath, err)
	}
	f, err := safetensors.ReadFile(weightsPath)
	if err != nil {
		return nil, err
	}
	var kept []keptCheckpoint
	for _, e := range index {
		if !e.Kept {
			continue
		}
		t, ok := f.Tensors[e.Tensor]
		if !ok {
			return nil, fmt.Errorf("%s: no tensor %s, which %s lists", weightsPath, e.Tensor, indexPath)
		}
		if len(t.Data) != size {
			return nil, fmt.Errorf("%s: %s has %d weights, this experiment's LoRA %d (collected with other lora or model settings?)", weightsPath, e.Tensor, len(t.Data), size)
		}
		kept = append(kept, keptCheckpoint{concept: e.Concept, prompts: e.Prompts, vector: t.Data})
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("%s: no checkpoint was kept; loosen collect.epsilon or filters.checkpoints", indexPath)
	}
	return kept, nil
}

// embedPrompts embeds every distinct prompt of the checkpoints once, in one call.
func embedPrompts(ctx context.Context, enc sdk.TextEncoder, opts sdk.Options, kept []keptCheckpoint) (map[string][]float32, int, error) {
	var prompts []string
	for _, k := range kept {
		for _, p := range k.prompts {
			if !slices.Contains(prompts, p) {
				prompts = append(prompts, p)
			}
		}
	}
	e, err := enc.Encode(ctx, prompts, opts)
	if err != nil {
		return nil, 0, err
	}
	if e.Dim < 1 || len(e.Data) != len(prompts)*e.Dim {
		return nil, 0, fmt.Errorf("%d values for %d prompts of dim %d", len(e.Data), len(prompts), e.Dim)
	}
	out := map[string][]float32{}
	for i, p := range prompts {
		out[p] = e.Data[i*e.Dim : (i+1)*e.Dim]
	}
	return out, e.Dim, nil
}
