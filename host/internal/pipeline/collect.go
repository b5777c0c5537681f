package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"dnw/host/internal/concepts"
	"dnw/host/internal/engine"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/stage"
	"dnw/sdk/ext"
)

// collectStage builds the weight dataset: for every training concept a LoRA
// fine-tune from the base model (the same A init for every concept, so the solutions
// live in one comparable space), scored on the concept's test pairs, keeping K
// checkpoints M steps apart at the end of its training, once the metric has settled.
// The checkpoint filter (filters.checkpoints) decides which enter the dataset. The
// held-out concepts are fine-tuned the same way, as references only: their final
// LoRA (heldout.safetensors) is what a prediction for them is measured against, and
// never enters the dataset.
var collectStage = stage.Stage{
	Name:    "collect",
	Doc:     "one LoRA per training concept, K converged checkpoints each",
	Keys:    []string{"model", "lora", "collect", "metrics", "filters.checkpoints", "extensions.options"},
	Plugins: []string{"model.arch", "lora.placement"},
	Inputs: []string{"concepts/catalogue.json", "pairs/pairs.safetensors",
		"base/generator.safetensors", "base/discriminator.safetensors"},
	Outputs: []string{"weights.safetensors", "index.json", "curves.csv", "heldout.safetensors"},
	Run:     runCollect,
}

// IndexEntry is one collected checkpoint in index.json.
type IndexEntry struct {
	Concept string   `json:"concept"`
	Prompts []string `json:"prompts"`
	Step    int      `json:"step"`
	Metric  float64  `json:"metric"`
	Best    float64  `json:"best"`              // the concept's best score over its fine-tune (step 0, the base model, excluded)
	Kept    bool     `json:"kept"`              // the checkpoint filters let it into weights.safetensors
	Dropped string   `json:"dropped,omitempty"` // which filter dropped it, and why
	Tensor  string   `json:"tensor,omitempty"`
}

func runCollect(ctx context.Context, env *stage.Env) error {
	c := env.Config
	model, placement, err := loraModel(ctx, env)
	if err != nil {
		return err
	}
	in, err := readFitInputs(ctx, env)
	if err != nil {
		return err
	}
	metric := in.Metric
	cc := c.Collect
	var keep []int // the last K evaluations, M steps apart, ending at the last step
	for k := cc.Checkpoints - 1; k >= 0; k-- {
		keep = append(keep, cc.Steps-k*cc.Every)
	}
	fit := ganFit{Model: model, Placement: &placement, Base: in.Base, Disc: in.Disc,
		GAN:   engine.GANConfig{Loss: c.Model.GANLoss, LambdaL1: c.Model.LambdaL1, LR: cc.LR, Batch: cc.Batch, Device: c.Device()},
		Steps: cc.Steps, EvalEvery: cc.EvalEvery, Keep: keep, Metric: metric, Seed: uint64(c.Experiment.Seed)}

	train, heldout := in.Catalogue.Train(), in.Catalogue.Heldout()
	all := append(slices.Clone(train), heldout...)
	env.Log.Info("collecting LoRA weights", "concepts", len(train), "heldout", len(heldout), "jobs", env.Jobs,
		"steps", cc.Steps, "checkpoints", cc.Checkpoints, "every", cc.Every, "metric", metric.Name)
	ids := make([]string, len(all))
	for i, k := range all {
		ids[i] = k.ID
	}
	err = runUnits(ctx, env, env.Jobs, ids, "concepts", func(ctx context.Context, id string) (func(), error) {
		res, err := fit.run(ctx, in.Pairs[id])
		if err != nil {
			return nil, err
		}
		if err := writePartial(env.Path("partial/"+id+".safetensors"), res); err != nil {
			return nil, err
		}
		last := res.Curve[len(res.Curve)-1]
		return func() { env.Log.Info("concept collected", "concept", id, "step", int(last[0]), metric.Name, last[1]) }, nil
	})
	if err != nil {
		return err
	}
	if err := writeDataset(ctx, env, train, metric); err != nil {
		return err
	}
	return writeHeldout(env, heldout)
}

// writePartial saves one concept's result: its kept vectors as tensors "step-S" and
// its metric curve in the metadata.
func writePartial(path string, res fitResult) error {
	f := safetensors.File{Tensors: map[string]safetensors.Tensor{}, Metadata: map[string]string{}}
	for _, k := range res.Kept {
		f.Tensors["step-"+strconv.Itoa(k.Step)] = safetensors.Tensor{Shape: []int{len(k.Vector)}, Data: k.Vector}
	}
	// The vectors are in the tensors; the metadata keeps the rest.
	light := fitResult{Curve: res.Curve}
	for _, k := range res.Kept {
		light.Kept = append(light.Kept, kept{Step: k.Step, Metric: k.Metric})
	}
	meta, err := json.Marshal(light)
	if err != nil {
		return err
	}
	f.Metadata["dnw.fit"] = string(meta)
	return safetensors.WriteFile(path, f)
}

// readPartial loads what writePartial saved.
func readPartial(path string) (fitResult, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return fitResult{}, err
	}
	var res fitResult
	if err := json.Unmarshal([]byte(f.Metadata["dnw.fit"]), &res); err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	for i, k := range res.Kept {
		t, ok := f.Tensors["step-"+strconv.Itoa(k.Step)]
		if !ok {
			return res, fmt.Errorf("%s: no vector for step %d", path, k.Step)
		}
		res.Kept[i].Vector = t.Data
	}
	return res, nil
}

// writeDataset gathers the concepts' partial results into the weight dataset:
// weights.safetensors (the kept vectors, "CONCEPT/step-S"), index.json (every
// checkpoint, kept or not, with its concept's prompts) and curves.csv. The filters
// of filters.checkpoints decide which checkpoints are kept.
func writeDataset(ctx context.Context, env *stage.Env, train []concepts.Concept, metric metric) error {
	out := safetensors.File{Tensors: map[string]safetensors.Tensor{}, Metadata: map[string]string{
		"dnw.metric": metric.Name, "dnw.arch": env.Config.Model.Arch, "dnw.placement": env.Config.LoRA.Placement}}
	var index []IndexEntry
	var vectors [][]float32
	var curves [][3]string
	batch := ext.Checkpoints{Metric: metric.Name, HigherIsBetter: metric.HigherIsBetter}
	for _, k := range train {
		res, err := readPartial(env.Path("partial/" + k.ID + ".safetensors"))
		if err != nil {
			return err
		}
		best := math.NaN() // over the fine-tune's evaluations, not step 0's base model
		for _, p := range res.Curve {
			if p[0] > 0 && (math.IsNaN(best) || metric.Better(p[1], best)) {
				best = p[1]
			}
			curves = append(curves, [3]string{k.ID, strconv.Itoa(int(p[0])), strconv.FormatFloat(p[1], 'g', 6, 64)})
		}
		for _, ck := range res.Kept {
			index = append(index, IndexEntry{Concept: k.ID, Prompts: k.Prompts, Step: ck.Step, Metric: ck.Metric, Best: best})
			vectors = append(vectors, ck.Vector)
			batch.Records = append(batch.Records, ext.Checkpoint{Concept: k.ID, Step: ck.Step, Metric: ck.Metric, Best: best})
		}
	}
	verdicts, err := applyFilters(ctx, env, "filters.checkpoints", env.Config.Filters.Checkpoints, ext.Batch{Checkpoints: &batch})
	if err != nil {
		return err
	}
	kept := 0
	for i, v := range verdicts {
		e := &index[i]
		e.Kept, e.Dropped = v.Keep, v.Reason
		if e.Kept {
			e.Tensor = e.Concept + "/step-" + strconv.Itoa(e.Step)
			out.Tensors[e.Tensor] = safetensors.Tensor{Shape: []int{len(vectors[i])}, Data: vectors[i]}
			kept++
		}
	}
	env.Log.Info("weight dataset", "concepts", len(train), "checkpoints", len(index), "kept", kept)
	if err := safetensors.WriteFile(env.Path("weights.safetensors"), out); err != nil {
		return err
	}
	data, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return err
	}
	if err := env.WriteFile("index.json", append(data, '\n')); err != nil {
		return err
	}
	return env.Write("curves.csv", func(w io.Writer) error {
		if _, err := fmt.Fprintf(w, "concept,step,%s\n", metric.Name); err != nil {
			return err
		}
		for _, r := range curves {
			if _, err := fmt.Fprintf(w, "%s,%s,%s\n", r[0], r[1], r[2]); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeHeldout saves each held-out concept's final LoRA vector (tensor ID) and its
// curve, in the concepts' order, as heldout.safetensors.
func writeHeldout(env *stage.Env, heldout []concepts.Concept) error {
	out := safetensors.File{Tensors: map[string]safetensors.Tensor{}, Metadata: map[string]string{
		"dnw.metric": env.Config.Metrics.Primary}}
	for _, k := range heldout {
		res, err := readPartial(env.Path("partial/" + k.ID + ".safetensors"))
		if err != nil {
			return err
		}
		last := res.Kept[len(res.Kept)-1]
		out.Tensors[k.ID] = safetensors.Tensor{Shape: []int{len(last.Vector)}, Data: last.Vector}
		curve, err := json.Marshal(res.Curve)
		if err != nil {
			return err
		}
		out.Metadata["dnw.curve."+k.ID] = string(curve)
	}
	return safetensors.WriteFile(env.Path("heldout.safetensors"), out)
}
