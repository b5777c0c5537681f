package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"strconv"
	"time"

	"dnw/host/internal/concepts"
	"dnw/host/internal/engine"
	"dnw/host/internal/lora"
	"dnw/host/internal/pairstore"
	"dnw/host/internal/quality"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/stage"
	"dnw/host/internal/weightgen"
	"dnw/sdk"
	"dnw/sdk/ext"
)

// finetuneStage trains every held-out concept from each initialization that
// finetune.methods names (initMethods), all with the same pairs, step budget,
// optimizer and seed (the LoRA methods at finetune.lora_lr, scratch at finetune.lr),
// scoring the primary metric on the concept's test pairs every
// finetune.eval_every steps with the wall-clock seconds spent so far: the time a
// method needs to prepare its start (the weight generator's prediction, say) plus
// its training steps, evaluations excluded.
var finetuneStage = stage.Stage{
	Name:    "finetune",
	Doc:     "held-out concepts fine-tuned from each initialization",
	Keys:    []string{"model", "lora", "finetune", "metrics", "extensions.options"},
	Plugins: []string{"model.arch", "lora.placement", "weightgen.text_encoder"},
	Inputs: []string{"concepts/catalogue.json", "pairs/pairs.safetensors",
		"base/generator.safetensors", "base/discriminator.safetensors",
		"collect/weights.safetensors", "collect/index.json", "weightgen/denoiser.safetensors"},
	Outputs: []string{"runs.json", "curves.csv", "starts.safetensors", "samples.safetensors"},
	Run:     runFinetune,
}

// FinetuneRun is one (held-out concept, method) fine-tune of runs.json.
type FinetuneRun struct {
	Concept      string          `json:"concept"`
	Prompt       string          `json:"prompt"` // the prompt the start was made from
	Method       string          `json:"method"`
	From         string          `json:"from,omitempty"` // where the start came from
	StartSeconds float64         `json:"start_seconds"`  // preparing the start; counted in every point's seconds
	Curve        []quality.Point `json:"curve"`          // the first point, step 0, scores the start
	// Extra is each of metrics.extra at the end of the budget, by the metric's name;
	// a metric that failed under extensions.on_error = "continue" is missing.
	Extra map[string]float64 `json:"extra,omitempty"`
	// Sub is the sub-scores that metrics.primary and metrics.extra returned at the
	// end of the budget, by metric name, then sub-score name; a metric with none is
	// missing.
	Sub map[string]map[string]float64 `json:"sub,omitempty"`
}

func runFinetune(ctx context.Context, env *stage.Env) error {
	c := env.Config
	ft := c.Finetune
	methods := make([]initMethod, len(ft.Methods))
	for i, name := range ft.Methods {
		m, err := lookupInit(name)
		if err != nil {
			return err
		}
		methods[i] = m
	}
	model, placement, err := loraModel(ctx, env)
	if err != nil {
		return err
	}
	params, err := lora.Params(model.Generator, placement)
	if err != nil {
		return err
	}
	in, err := readFitInputs(ctx, env)
	if err != nil {
		return err
	}
	metric := in.Metric
	extra, err := extraMetrics(ctx, env)
	if err != nil {
		return err
	}
	kept, err := readWeightDataset(env.Input("collect/index.json"), env.Input("collect/weights.safetensors"), lora.Size(params))
	if err != nil {
		return err
	}
	saved, err := weightgen.Load(env.Input("weightgen/denoiser.safetensors"))
	if err != nil {
		return err
	}
	textPlugin, textOpts, err := env.Plugin(ctx, "weightgen.text_encoder")
	if err != nil {
		return err
	}
	src, err := newInitSources(ctx, kept, textPlugin.(sdk.TextEncoder), textOpts, saved, uint64(c.Experiment.Seed), c.Device())
	if err != nil {
		return err
	}
	defer src.Close()

	// The starts come first, one at a time, so that no fine-tune running beside them
	// slows the timing of a prediction.
	heldout := in.Catalogue.Heldout()
	type unit struct {
		concept concepts.Concept
		method  initMethod
		start   initial
		seconds float64
	}
	units := map[string]unit{}
	var ids []string
	starts := safetensors.File{Tensors: map[string]safetensors.Tensor{}, Metadata: map[string]string{}}
	for _, k := range heldout {
		for _, m := range methods {
			u := unit{concept: k, method: m}
			if !m.Scratch {
				release, err := acquireTimedLock(ctx, env.Log)
				if err != nil {
					return err
				}
				t0 := time.Now()
				u.start, err = m.start(ctx, src, k)
				u.seconds = time.Since(t0).Seconds()
				release()
				if err != nil {
					return fmt.Errorf("%s, %s: %w", k.ID, m.Name, err)
				}
				if u.start.Vector != nil {
					starts.Tensors[k.ID+"/"+m.Name] = safetensors.Tensor{Shape: []int{len(u.start.Vector)}, Data: u.start.Vector}
				}
			}
			id := k.ID + "." + m.Name
			units[id], ids = u, append(ids, id)
		}
	}

	// The fine-tunes are timed, so they run one at a time whatever --jobs says, and
	// each holds the machine's timed lock (timedlock.go) against other dnw processes'.
	env.Log.Info("fine-tuning held-out concepts, one at a time (timed)", "concepts", len(heldout), "methods", ft.Methods,
		"steps", ft.Steps, "eval_every", ft.EvalEvery, "metric", metric.Name)
	gan := engine.GANConfig{Loss: c.Model.GANLoss, LambdaL1: c.Model.LambdaL1, LR: ft.LR, Batch: ft.Batch, Device: c.Device()}
	loraGAN := gan
	loraGAN.LR = ft.LoRALR
	sampleSteps := sampleSteps(ft.Steps, ft.EvalEvery)
	err = runUnits(ctx, env, 1, ids, "fine-tunes", func(ctx context.Context, id string) (func(), error) {
		u := units[id]
		release, err := acquireTimedLock(ctx, env.Log)
		if err != nil {
			return nil, err
		}
		defer release()
		fit := ganFit{Model: model, GAN: gan, Steps: ft.Steps, EvalEvery: ft.EvalEvery, Metric: metric,
			Seed: uint64(c.Experiment.Seed), Samples: sampleSteps}
		if !u.method.Scratch {
			fit.Placement, fit.Base, fit.Disc, fit.Init, fit.GAN = &placement, in.Base, in.Disc, u.start.Vector, loraGAN
		}
		res, err := fit.run(ctx, in.Pairs[u.concept.ID])
		if err != nil {
			return nil, err
		}
		run := FinetuneRun{Concept: u.concept.ID, Prompt: u.concept.Prompts[0], Method: u.method.Name, From: u.start.From, StartSeconds: u.seconds}
		for i, p := range res.Curve {
			run.Curve = append(run.Curve, quality.Point{Step: int(p[0]), Seconds: u.seconds + res.Seconds[i], Metric: p[1]})
		}
		if run.Extra, run.Sub, err = scoreFinal(ctx, env, metric, extra, res.Final, in.Pairs[u.concept.ID].Test); err != nil {
			return nil, err // runUnits names the fine-tune
		}
		data, err := json.Marshal(run)
		if err != nil {
			return nil, err
		}
		samples := safetensors.File{Tensors: map[string]safetensors.Tensor{}}
		for _, sm := range res.Samples {
			samples.Tensors[u.concept.ID+"/"+u.method.Name+"/step-"+strconv.Itoa(sm.Step)] = imageTensor(sm.Pix, c.Data.ImageSize)
		}
		if err := safetensors.WriteFile(env.Path("partial/"+id+".samples.safetensors"), samples); err != nil {
			return nil, err
		}
		if err := os.WriteFile(env.Path("partial/"+id+".json"), data, 0o644); err != nil {
			return nil, err
		}
		last := run.Curve[len(run.Curve)-1]
		return func() {
			env.Log.Info("fine-tune done", "concept", u.concept.ID, "method", u.method.Name, "start", run.Curve[0].Metric,
				metric.Name, last.Metric, "seconds", last.Seconds)
		}, nil
	})
	if err != nil {
		return err
	}
	if err := writeSamples(env, heldout, ids, in, c.Data.ImageSize); err != nil {
		return err
	}
	return writeFinetuneResults(env, ids, metric.Name, starts)
}

// extraMetrics opens metrics.extra.
func extraMetrics(ctx context.Context, env *stage.Env) ([]metric, error) {
	var ms []metric
	for _, ref := range env.Config.Metrics.Extra {
		m, err := openMetric(ctx, env, "metrics.extra", ref)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// scoreFinal scores a fine-tune's final outputs with each extra metric, and collects
// every metric's sub-scores there. The primary's value is already the curve's last
// point; it is called once more only for its sub-scores (one call per fine-tune,
// after the timed steps). An extra metric that fails stops the stage, or under
// extensions.on_error = "continue" is left out with a warning.
func scoreFinal(ctx context.Context, env *stage.Env, primary metric, extra []metric, final []float32, test pairstore.Set) (map[string]float64, map[string]map[string]float64, error) {
	var scores map[string]float64
	subs := map[string]map[string]float64{}
	addSubs := func(name string, s ext.Score) {
		for _, sub := range s.Sub {
			if subs[name] == nil {
				subs[name] = map[string]float64{}
			}
			subs[name][sub.Name] = sub.Value
		}
	}
	s, err := primary.ScoreWithSubs(ctx, final, test.Target, test.N, test.Size)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics.primary: %w", err)
	}
	addSubs(primary.Name, s)
	for _, m := range extra {
		s, err := m.ScoreWithSubs(ctx, final, test.Target, test.N, test.Size)
		switch {
		case err == nil:
			if scores == nil {
				scores = map[string]float64{}
			}
			scores[m.Name] = s.Value
			addSubs(m.Name, s)
		case env.Config.Extensions.OnError == "continue" && ctx.Err() == nil:
			env.Log.Warn("extra metric failed; left out (extensions.on_error = continue)", "metric", m.Name, "err", err)
		default:
			return nil, nil, fmt.Errorf("metrics.extra: %w", err)
		}
	}
	if len(subs) == 0 {
		subs = nil
	}
	return scores, subs, nil
}

// sampleSteps are the evaluations whose outputs the report's image grids show: the
// start, the evaluation nearest the middle of the budget, and the end.
func sampleSteps(steps, every int) []int {
	mid := (steps / 2 / every) * every
	if mid == 0 || mid == steps {
		return []int{0, steps}
	}
	return []int{0, mid, steps}
}

func imageTensor(pix []float32, size int) safetensors.Tensor {
	return safetensors.Tensor{Shape: []int{3, size, size}, Data: pix}
}

// writeSamples gathers each concept's first test pair ("CONCEPT/source",
// "CONCEPT/target") and every method's outputs for it ("CONCEPT/METHOD/step-S") into
// samples.safetensors.
func writeSamples(env *stage.Env, heldout []concepts.Concept, ids []string, in fitInputs, size int) error {
	out := safetensors.File{Tensors: map[string]safetensors.Tensor{}, Metadata: map[string]string{}}
	n := 3 * size * size
	for _, k := range heldout {
		test := in.Pairs[k.ID].Test
		out.Tensors[k.ID+"/source"] = imageTensor(test.Source[:n], size)
		out.Tensors[k.ID+"/target"] = imageTensor(test.Target[:n], size)
	}
	for _, id := range ids {
		f, err := safetensors.ReadFile(env.Path("partial/" + id + ".samples.safetensors"))
		if err != nil {
			return err
		}
		maps.Copy(out.Tensors, f.Tensors)
	}
	return safetensors.WriteFile(env.Path("samples.safetensors"), out)
}

// writeFinetuneResults gathers the partial results into runs.json and curves.csv, and
// writes the LoRA methods' starts (tensor "CONCEPT/METHOD") as starts.safetensors.
func writeFinetuneResults(env *stage.Env, ids []string, metricName string, starts safetensors.File) error {
	runs := make([]FinetuneRun, len(ids))
	for i, id := range ids {
		data, err := os.ReadFile(env.Path("partial/" + id + ".json"))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &runs[i]); err != nil {
			return fmt.Errorf("partial/%s.json: %w", id, err)
		}
	}
	data, err := json.MarshalIndent(runs, "", "  ")
	if err != nil {
		return err
	}
	if err := env.WriteFile("runs.json", append(data, '\n')); err != nil {
		return err
	}
	starts.Metadata["dnw.metric"] = metricName
	if err := safetensors.WriteFile(env.Path("starts.safetensors"), starts); err != nil {
		return err
	}
	return env.Write("curves.csv", func(w io.Writer) error {
		if _, err := fmt.Fprintf(w, "concept,method,step,seconds,%s\n", metricName); err != nil {
			return err
		}
		for _, r := range runs {
			for _, p := range r.Curve {
				if _, err := fmt.Fprintf(w, "%s,%s,%d,%s,%s\n", r.Concept, r.Method, p.Step,
					strconv.FormatFloat(p.Seconds, 'f', 3, 64), csvNum(p.Metric)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
