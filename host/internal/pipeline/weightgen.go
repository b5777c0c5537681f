package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"dnw/host/internal/concepts"
	"dnw/host/internal/engine"
	"dnw/host/internal/lora"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/stage"
	"dnw/host/internal/weightgen"
	"dnw/sdk"
)

// weightgenStage trains the weight generator on the weight dataset: every kept LoRA
// checkpoint of stage collect, cut into chunks by the chunker plugin, with each of
// its concept's prompts embedded once by the text-encoder plugin. It then predicts
// every held-out concept's LoRA from each of its prompts and measures the predictions
// against the concept's own fine-tuned LoRA (heldout.json), and writes summary.md, the
// weight generator's part of the run's report.
var weightgenStage = stage.Stage{
	Name: "weightgen",
	Doc:  "the diffusion model over LoRA weight chunks",
	Keys: []string{"weightgen", "lora", "model"},
	Plugins: []string{"model.arch", "lora.placement", "weightgen.chunker", "weightgen.schedule",
		"weightgen.text_encoder"},
	Inputs: []string{"concepts/catalogue.json", "collect/weights.safetensors", "collect/index.json",
		"collect/heldout.safetensors"},
	Outputs: []string{"denoiser.safetensors", "loss.csv", "heldout.json", "summary.md"},
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
	model, placement, err := loraModel(ctx, env)
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

	if err := weightgen.CheckOneStep(w.Output, w.Sampler, w.TStar, tables); err != nil {
		return fmt.Errorf("weightgen.output = %q, weightgen.t_star = %d: %w", w.Output, w.TStar, err)
	}
	concepts := map[string]bool{}
	for _, k := range kept {
		concepts[k.concept] = true
	}
	draws := weightgen.DrawsPerPair(w.Steps, w.Batch, len(concepts), len(layout.Chunks))
	if draws < weightgen.MinDrawsPerPair {
		env.Log.Warn(fmt.Sprintf("weightgen.steps × weightgen.batch show each (concept, chunk) pair %.1f times (%d × %d over %d concepts × %d chunks); "+
			"below %d the prediction tends to stay at the training mean: raise weightgen.steps to %d or more",
			draws, w.Steps, w.Batch, len(concepts), len(layout.Chunks), weightgen.MinDrawsPerPair,
			int(math.Ceil(weightgen.MinDrawsPerPair*float64(len(concepts)*len(layout.Chunks))/float64(w.Batch)))))
	}

	spec := weightgen.Spec{ChunkSize: layout.ChunkSize, Widths: [3]int(w.Widths), Depths: [3]int(w.Depths),
		Heads: w.Heads, TextDim: dim, SinDim: max(2, w.Widths[0]/2*2), BlockIndex: w.BlockIndex, Output: w.Output, Chunks: len(layout.Chunks),
		TextRoute: w.TextRoute, RouteRank: w.TextRank}
	tr, err := weightgen.NewTrainer(spec, tables, weightgen.TrainConfig{Batch: w.Batch, LR: w.LR, Steps: w.Steps,
		WeightDecay: w.WeightDecay, EMA: w.EMA, TextDropout: w.TextDropout, Loss: w.Loss, TStarShare: w.TStarShare, TStar: w.TStar,
		Device: c.Device()}, uint64(c.Experiment.Seed))
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
	save := func() error {
		st.Train = tr.State()
		var err error
		if st.RNG, err = src.MarshalBinary(); err != nil {
			return err
		}
		return env.SaveCheckpoint(&st, int64(st.Step))
	}
	env.Log.Info("training the weight generator", "checkpoints", len(kept), "examples", len(data),
		"chunks", spec.Chunks, "chunk_size", spec.ChunkSize, "groups", len(layout.Groups), "text_dim", dim,
		"block_index", spec.BlockIndex, "text_route", spec.TextRoute, "params", tr.Graph.NumParams(), "steps", w.Steps, "batch", w.Batch,
		"draws_per_pair", math.Round(draws))
	bar := env.Progress(int64(w.Steps), "steps", int64(st.Step))
	for st.Step < w.Steps {
		if err := ctx.Err(); err != nil {
			if serr := save(); serr != nil {
				return serr
			}
			return err
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
			if err := save(); err != nil {
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
		TStar: w.TStar, DDIMSteps: w.DDIMSteps, Guidance: w.Guidance, Arch: c.Model.Arch, Placement: c.LoRA.Placement,
		Steps: st.Step, FinalLoss: st.Curve[len(st.Curve)-1].Loss, DrawsPerPair: draws}}
	if err := saved.Save(env.Path("denoiser.safetensors")); err != nil {
		return err
	}
	check, err := checkHeldout(ctx, env, saved, textPlugin.(sdk.TextEncoder), textOpts, kept)
	if err != nil {
		return err
	}
	err = env.Write("summary.md", func(out io.Writer) error {
		return writeWeightgenSummary(out, saved, tr.Graph.NumParams(), w.Chunker, w.TextEncoder, w.Loss, st.Curve, check)
	})
	if err != nil {
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

// meanVector is the mean of the checkpoints' vectors, summed in float64.
func meanVector(kept []keptCheckpoint) []float32 {
	sum := make([]float64, len(kept[0].vector))
	for _, k := range kept {
		for i, x := range k.vector {
			sum[i] += float64(x)
		}
	}
	mean := make([]float32, len(sum))
	for i, s := range sum {
		mean[i] = float32(s / float64(len(kept)))
	}
	return mean
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

// HeldoutCheck is heldout.json: for every held-out concept and prompt, how far the
// one-step prediction lands from the concept's own fine-tuned LoRA (stage collect),
// against two references that use no prediction: the mean of the training LoRAs
// (the lora-mean initialization) and the nearest training LoRA (a memorizing
// predictor's best case). Distances are L2 over the whole LoRA vector.
type HeldoutCheck struct {
	Sampler     string           `json:"sampler"`
	BlockIndex  string           `json:"block_index"`
	TextRoute   string           `json:"text_route"`
	Predictions []HeldoutPredict `json:"predictions"`
	// Means over the predictions.
	PredToOwn      float64 `json:"pred_to_own"`
	MeanToOwn      float64 `json:"mean_to_own"`
	NearestToOwn   float64 `json:"nearest_to_own"`
	CloserThanMean int     `json:"closer_than_mean"` // predictions nearer their own LoRA than the mean is
	// Training is the same measure on concepts the generator trained on: it tells a
	// generator that cannot fit its own data (underfitting: the prompt has no effect)
	// from one that fits it but does not carry over to new concepts.
	Training TrainingFit `json:"training"`
}

// TrainingFit measures one-step predictions for training concepts, from each one's
// first prompt, against the mean of the concept's own kept checkpoints (what the
// ε-prediction loss drives a prediction towards).
type TrainingFit struct {
	Concepts       int     `json:"concepts"` // the first trainingFitConcepts training concepts
	PredToOwn      float64 `json:"pred_to_own"`
	MeanToOwn      float64 `json:"mean_to_own"`
	CloserThanMean int     `json:"closer_than_mean"`
}

// trainingFitConcepts bounds the training-fit measure's cost: one prediction each.
const trainingFitConcepts = 16

// HeldoutPredict is one prediction of heldout.json.
type HeldoutPredict struct {
	Concept        string  `json:"concept"`
	Prompt         string  `json:"prompt"`
	PredToOwn      float64 `json:"pred_to_own"`
	MeanToOwn      float64 `json:"mean_to_own"`
	NearestToOwn   float64 `json:"nearest_to_own"`   // the training LoRA nearest the own one
	PredToTraining float64 `json:"pred_to_training"` // the prediction to its nearest training LoRA
	NearestConcept string  `json:"nearest_concept"`  // whose LoRA that is
}

// checkHeldout predicts each held-out concept's LoRA from each of its prompts (one
// step, the run's t*, a fixed seed per prediction), writes heldout.json and returns it.
func checkHeldout(ctx context.Context, env *stage.Env, saved weightgen.Saved, enc sdk.TextEncoder, opts sdk.Options, kept []keptCheckpoint) (HeldoutCheck, error) {
	var check HeldoutCheck
	cat, err := concepts.ReadFile(env.Input("concepts/catalogue.json"))
	if err != nil {
		return check, err
	}
	own, err := safetensors.ReadFile(env.Input("collect/heldout.safetensors"))
	if err != nil {
		return check, err
	}
	p, err := saved.Predictor(env.Config.Device())
	if err != nil {
		return check, err
	}
	defer p.Close()
	check = HeldoutCheck{Sampler: "one-step", BlockIndex: saved.Spec.BlockIndex, TextRoute: saved.Spec.TextRoute}
	for i, k := range cat.Heldout() {
		target, ok := own.Tensors[k.ID]
		if !ok {
			return check, fmt.Errorf("collect/heldout.safetensors has no LoRA for held-out concept %s", k.ID)
		}
		e, err := enc.Encode(ctx, k.Prompts, opts)
		if err != nil {
			return check, err
		}
		meanToOwn := distance(saved.Codec.Mean, target.Data)
		nearestToOwn, _ := nearestCheckpoint(kept, target.Data)
		for j, prompt := range k.Prompts {
			chunks, err := p.OneStep(e.Data[j*e.Dim:(j+1)*e.Dim], saved.Info.TStar, rand.New(rand.NewPCG(uint64(i), uint64(j))))
			if err != nil {
				return check, err
			}
			pred := saved.Codec.Vector(chunks)
			h := HeldoutPredict{Concept: k.ID, Prompt: prompt, PredToOwn: distance(pred, target.Data),
				MeanToOwn: meanToOwn, NearestToOwn: nearestToOwn}
			h.PredToTraining, h.NearestConcept = nearestCheckpoint(kept, pred)
			check.Predictions = append(check.Predictions, h)
			check.PredToOwn += h.PredToOwn
			check.MeanToOwn += h.MeanToOwn
			check.NearestToOwn += h.NearestToOwn
			if h.PredToOwn < h.MeanToOwn {
				check.CloserThanMean++
			}
		}
	}
	if n := float64(len(check.Predictions)); n > 0 {
		check.PredToOwn, check.MeanToOwn, check.NearestToOwn = check.PredToOwn/n, check.MeanToOwn/n, check.NearestToOwn/n
	}
	if check.Training, err = checkTrainingFit(ctx, p, saved, enc, opts, kept); err != nil {
		return check, err
	}
	env.Log.Info("held-out check", "predictions", len(check.Predictions), "pred_to_own", check.PredToOwn,
		"mean_to_own", check.MeanToOwn, "nearest_to_own", check.NearestToOwn, "closer_than_mean", check.CloserThanMean,
		"training_pred_to_own", check.Training.PredToOwn, "training_mean_to_own", check.Training.MeanToOwn)
	data, err := json.MarshalIndent(check, "", "  ")
	if err != nil {
		return check, err
	}
	return check, env.WriteFile("heldout.json", append(data, '\n'))
}

// checkTrainingFit predicts the first trainingFitConcepts training concepts' LoRAs,
// each from its first prompt, and measures them against the mean of the concept's
// kept checkpoints.
func checkTrainingFit(ctx context.Context, p *weightgen.Predictor, saved weightgen.Saved, enc sdk.TextEncoder, opts sdk.Options, kept []keptCheckpoint) (TrainingFit, error) {
	type concept struct {
		prompt string
		own    []float32 // the sum, then the mean, of its kept checkpoints
		n      int
	}
	var order []*concept
	byID := map[string]*concept{}
	for _, k := range kept {
		c, ok := byID[k.concept]
		if !ok {
			if len(order) == trainingFitConcepts {
				continue
			}
			c = &concept{prompt: k.prompts[0], own: make([]float32, len(k.vector))}
			byID[k.concept], order = c, append(order, c)
		}
		for i, x := range k.vector {
			c.own[i] += x
		}
		c.n++
	}
	prompts := make([]string, len(order))
	for i, c := range order {
		prompts[i] = c.prompt
	}
	e, err := enc.Encode(ctx, prompts, opts)
	if err != nil {
		return TrainingFit{}, err
	}
	fit := TrainingFit{Concepts: len(order)}
	for i, c := range order {
		for j := range c.own {
			c.own[j] /= float32(c.n)
		}
		chunks, err := p.OneStep(e.Data[i*e.Dim:(i+1)*e.Dim], saved.Info.TStar, rand.New(rand.NewPCG(uint64(i), 1<<32)))
		if err != nil {
			return fit, err
		}
		pred, mean := distance(saved.Codec.Vector(chunks), c.own), distance(saved.Codec.Mean, c.own)
		fit.PredToOwn += pred / float64(len(order))
		fit.MeanToOwn += mean / float64(len(order))
		if pred < mean {
			fit.CloserThanMean++
		}
	}
	return fit, nil
}

// nearestCheckpoint is the L2 distance from v to the nearest kept checkpoint, and
// that checkpoint's concept.
func nearestCheckpoint(kept []keptCheckpoint, v []float32) (float64, string) {
	d, concept := math.Inf(1), ""
	for _, k := range kept {
		if x := distance(v, k.vector); x < d {
			d, concept = x, k.concept
		}
	}
	return d, concept
}

// distance is the L2 distance of two vectors.
func distance(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}
