package pipeline

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"dnw/host/internal/imaging"
	"dnw/host/internal/quality"
	"dnw/host/internal/report"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/stage"
)

// reportStage turns the fine-tunes into the run's report: time to quality per method
// and concept (package quality), the summary over concepts, the memorization check of
// the generated starts, the weight generator's loss curve, where LoRA went (the
// placement made again: it is milliseconds); results.json, report.md and a
// self-contained report.html (package report).
var reportStage = stage.Stage{
	Name:    "report",
	Doc:     "report.md, report.html and results.json",
	Keys:    []string{"experiment.name", "metrics", "data.image_size", "model", "lora"},
	Plugins: []string{"model.arch", "lora.placement"},
	Inputs: []string{"finetune/runs.json", "finetune/starts.safetensors", "finetune/samples.safetensors", "collect/weights.safetensors",
		"collect/index.json", "collect/heldout.safetensors", "weightgen/loss.csv"},
	Outputs: []string{"results.json", "report.md", "report.html"},
	Run:     runReport,
}

func runReport(ctx context.Context, env *stage.Env) error {
	c := env.Config
	metric, err := primaryMetric(ctx, env)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(env.Input("finetune/runs.json"))
	if err != nil {
		return err
	}
	var runs []FinetuneRun
	if err := json.Unmarshal(data, &runs); err != nil {
		return fmt.Errorf("finetune/runs.json: %w", err)
	}
	res := report.Results{Schema: report.SchemaID, Experiment: c.Experiment.Name, Steps: c.Finetune.Steps,
		Metric: report.Metric{Name: metric.Name, HigherIsBetter: metric.HigherIsBetter}}
	for _, ref := range c.Metrics.Extra {
		m, err := openMetric(ctx, env, "metrics.extra", ref)
		if err != nil {
			return err
		}
		res.Extra = append(res.Extra, report.Metric{Name: m.Name, HigherIsBetter: m.HigherIsBetter})
	}
	var concepts []string
	byConcept := map[string][]quality.Run{}
	for _, r := range runs {
		if !slices.Contains(concepts, r.Concept) {
			concepts = append(concepts, r.Concept)
		}
		if !slices.Contains(res.Methods, r.Method) {
			res.Methods = append(res.Methods, r.Method)
		}
		byConcept[r.Concept] = append(byConcept[r.Concept], quality.Run{Method: r.Method, Curve: r.Curve})
		res.Runs = append(res.Runs, report.Run{Concept: r.Concept, Method: r.Method, Prompt: r.Prompt, From: r.From,
			StartSeconds: r.StartSeconds, Curve: r.Curve, Extra: r.Extra, Sub: r.Sub})
	}
	for _, k := range concepts {
		cr, err := quality.Compare(k, byConcept[k], metric.HigherIsBetter)
		if err != nil {
			return err
		}
		res.Concepts = append(res.Concepts, cr)
	}
	res.Summary = quality.SummarizeMethods(res.Concepts)
	if res.Memorization, err = memorization(env, concepts); err != nil {
		return err
	}
	if res.WeightgenLoss, err = readLossCurve(env.Input("weightgen/loss.csv")); err != nil {
		return err
	}
	if res.LoRA, err = placedLoRA(ctx, env); err != nil {
		return err
	}
	grids, err := readGrids(env.Input("finetune/samples.safetensors"), concepts, res.Methods)
	if err != nil {
		return err
	}
	files, err := report.Files(res, grids)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := env.WriteFile(name, files[name]); err != nil {
			return err
		}
	}
	env.Log.Info("report written", "concepts", len(concepts), "methods", res.Methods, "html", env.Path("report.html"))
	return nil
}

// memorization measures each concept's generated start against its own fine-tuned
// LoRA and the training LoRAs; concepts without a generated start are skipped.
func memorization(env *stage.Env, concepts []string) ([]report.Memorization, error) {
	starts, err := safetensors.ReadFile(env.Input("finetune/starts.safetensors"))
	if err != nil {
		return nil, err
	}
	own, err := safetensors.ReadFile(env.Input("collect/heldout.safetensors"))
	if err != nil {
		return nil, err
	}
	var size int
	for _, t := range own.Tensors {
		size = len(t.Data)
	}
	kept, err := readWeightDataset(env.Input("collect/index.json"), env.Input("collect/weights.safetensors"), size)
	if err != nil {
		return nil, err
	}
	mean := meanVector(kept)
	var out []report.Memorization
	for _, id := range concepts {
		gen, ok := starts.Tensors[id+"/"+quality.Generated]
		if !ok {
			continue
		}
		target, ok := own.Tensors[id]
		if !ok {
			return nil, fmt.Errorf("collect/heldout.safetensors has no LoRA for held-out concept %s", id)
		}
		m := report.Memorization{Concept: id, ToOwn: distance(gen.Data, target.Data), MeanToOwn: distance(mean, target.Data),
			ToMean: distance(gen.Data, mean)}
		m.ToNearest, m.NearestConcept = nearestCheckpoint(kept, gen.Data)
		m.OwnToNearest, _ = nearestCheckpoint(kept, target.Data)
		out = append(out, m)
	}
	return out, nil
}

// readLossCurve reads a loss.csv of step,loss rows under a header (stages weightgen
// and fit write them).
func readLossCurve(path string) ([]report.LossPoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []report.LossPoint
	for i, r := range rows[min(1, len(rows)):] { // past the header
		if len(r) != 2 {
			return nil, fmt.Errorf("%s: line %d: want step,loss, got %q", path, i+2, r)
		}
		step, err1 := strconv.Atoi(r[0])
		loss, err2 := strconv.ParseFloat(r[1], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: line %d: want step,loss, got %q", path, i+2, r)
		}
		out = append(out, report.LossPoint{Step: step, Loss: loss})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no loss values", path)
	}
	return out, nil
}

// readGrids reads each concept's image grid from stage finetune's samples.
func readGrids(path string, concepts, methods []string) ([]report.Grid, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	image := func(name string) (*imaging.Image, error) {
		t, ok := f.Tensors[name]
		if !ok || len(t.Shape) != 3 || t.Shape[0] != 3 {
			return nil, fmt.Errorf("%s: no (3, H, W) image %s", path, name)
		}
		return &imaging.Image{H: t.Shape[1], W: t.Shape[2], Pix: t.Data}, nil
	}
	var grids []report.Grid
	for _, k := range concepts {
		g := report.Grid{Concept: k}
		if g.Source, err = image(k + "/source"); err != nil {
			return nil, err
		}
		if g.Target, err = image(k + "/target"); err != nil {
			return nil, err
		}
		for _, m := range methods {
			var steps []int
			prefix := k + "/" + m + "/step-"
			for name := range f.Tensors {
				if s, ok := strings.CutPrefix(name, prefix); ok {
					n, err := strconv.Atoi(s)
					if err != nil {
						return nil, fmt.Errorf("%s: tensor %s", path, name)
					}
					steps = append(steps, n)
				}
			}
			slices.Sort(steps)
			g.Steps = steps
			mi := report.MethodImages{Method: m}
			for _, s := range steps {
				im, err := image(prefix + strconv.Itoa(s))
				if err != nil {
					return nil, err
				}
				mi.Images = append(mi.Images, im)
			}
			g.Outputs = append(g.Outputs, mi)
		}
		grids = append(grids, g)
	}
	return grids, nil
}
