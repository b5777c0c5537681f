package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/stage"
)

// finetunePipeline is the paper pipeline up to stage finetune.
func finetunePipeline() stage.Pipeline {
	return stage.Pipeline{Name: "finetune", Stages: append(weightgenPipeline().Stages, finetuneStage)}
}

func readRuns(t *testing.T, dir string) []FinetuneRun {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "stages/finetune/runs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var runs []FinetuneRun
	if err := json.Unmarshal(data, &runs); err != nil {
		t.Fatal(err)
	}
	return runs
}

// TestFinetuneComparesEveryMethod fine-tunes the tiny run's held-out concept from
// each of the five initializations, checks what each started from, and that an
// interrupted stage resumes to the same curves.
func TestFinetuneComparesEveryMethod(t *testing.T) {
	dir := t.TempDir()
	if err := runPipeline(t, dir, finetunePipeline(), 2, nil); err != nil {
		t.Fatal(err)
	}
	runs := readRuns(t, dir)
	var methods []string
	byMethod := map[string]FinetuneRun{}
	for _, r := range runs {
		methods = append(methods, r.Method)
		byMethod[r.Method] = r
		var steps []int
		for i, p := range r.Curve {
			steps = append(steps, p.Step)
			if i > 0 && p.Seconds < r.Curve[i-1].Seconds {
				t.Errorf("%s: seconds go back: %+v", r.Method, r.Curve)
			}
		}
		if !slices.Equal(steps, []int{0, 2, 4}) || r.Curve[0].Seconds != r.StartSeconds || !strings.HasPrefix(r.Concept, "h000") {
			t.Errorf("%s: concept %s, start %v s, curve %+v; want steps 0, 2, 4 from the start's time", r.Method, r.Concept, r.StartSeconds, r.Curve)
		}
	}
	if want := []string{"scratch", "lora-zero", "lora-mean", "lora-nearest", "generated"}; !slices.Equal(methods, want) {
		t.Fatalf("methods %v, want %v", methods, want)
	}
	if s, g := byMethod["scratch"], byMethod["generated"]; s.StartSeconds != 0 || s.From != "" || !(g.StartSeconds > 0) {
		t.Errorf("scratch starts at %v s from %q, generated at %v s: want 0, nothing, and the prediction's time", s.StartSeconds, s.From, g.StartSeconds)
	}
	if from := byMethod["lora-nearest"].From; !strings.HasPrefix(from, "c") {
		t.Errorf("lora-nearest started from %q, want a training concept", from)
	}

	// lora-zero starts as the base model (B = 0): the score collect gave it at step 0.
	held, err := safetensors.ReadFile(filepath.Join(dir, "stages/collect/heldout.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	var curve [][2]float64
	if err := json.Unmarshal([]byte(held.Metadata["dnw.curve."+runs[0].Concept]), &curve); err != nil {
		t.Fatal(err)
	}
	if zero, scratch := byMethod["lora-zero"].Curve[0].Metric, byMethod["scratch"].Curve[0].Metric; zero != curve[0][1] || scratch == zero {
		t.Errorf("step 0: lora-zero %v, scratch %v; want the base model's %v, and a random generator's other score", zero, scratch, curve[0][1])
	}

	// lora-mean starts from the mean of the weight dataset's vectors.
	starts, err := safetensors.ReadFile(filepath.Join(dir, "stages/finetune/starts.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	weights, err := safetensors.ReadFile(filepath.Join(dir, "stages/collect/weights.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	mean := make([]float64, len(starts.Tensors[runs[0].Concept+"/lora-mean"].Data))
	for _, w := range weights.Tensors {
		for i, x := range w.Data {
			mean[i] += float64(x) / float64(len(weights.Tensors))
		}
	}
	for i, x := range starts.Tensors[runs[0].Concept+"/lora-mean"].Data {
		if d := float64(x) - mean[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("lora-mean start [%d] = %v, the dataset's mean %v", i, x, mean[i])
		}
	}
	for _, m := range []string{"lora-nearest", "generated"} {
		if _, ok := starts.Tensors[runs[0].Concept+"/"+m]; !ok {
			t.Errorf("starts.safetensors lacks %s", m)
		}
	}

	// Interrupted after its first fine-tune and resumed, the stage gives the same curves.
	resumed := t.TempDir()
	err = runPipeline(t, resumed, finetunePipeline(), 1, func(r slog.Record) bool { return r.Message == "fine-tune done" })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	if err := runPipeline(t, resumed, finetunePipeline(), 1, nil); err != nil {
		t.Fatal(err)
	}
	again := readRuns(t, resumed)
	for i := range runs {
		if len(again) != len(runs) || again[i].Method != runs[i].Method || len(again[i].Curve) != len(runs[i].Curve) {
			t.Fatalf("resumed runs.json differs in shape")
		}
		for j := range runs[i].Curve {
			if again[i].Curve[j].Metric != runs[i].Curve[j].Metric {
				t.Errorf("%s step %d: %v resumed, %v straight", runs[i].Method, runs[i].Curve[j].Step, again[i].Curve[j].Metric, runs[i].Curve[j].Metric)
			}
		}
	}
}

// finetune.methods' allowed values and initMethods name the same methods, in order.
func TestEveryConfigMethodHasAnInitialization(t *testing.T) {
	var names []string
	for _, m := range initMethods {
		names = append(names, m.Name)
	}
	if want := config.Default().Finetune.Methods; !slices.Equal(names, want) {
		t.Errorf("initMethods %v, finetune.methods' default %v", names, want)
	}
	for _, s := range config.Sections() {
		for _, f := range s.Fields {
			if f.Key == "finetune.methods" && !slices.Equal(f.Enum, names) {
				t.Errorf("finetune.methods allows %v, initMethods has %v", f.Enum, names)
			}
		}
	}
}

// The LoRA methods train at finetune.lora_lr, scratch at finetune.lr: at a LoRA rate
// of 0 every LoRA method's curve stays at its start while scratch's moves.
func TestFinetuneLoRAMethodsUseTheirOwnRate(t *testing.T) {
	dir := t.TempDir()
	err := runPipelineWith(t, dir, finetunePipeline(), 2, nil, func(c *config.Config) { c.Finetune.LoRALR = 0 })
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readRuns(t, dir) {
		moved := false
		for _, p := range r.Curve {
			moved = moved || p.Metric != r.Curve[0].Metric
		}
		if moved != (r.Method == "scratch") {
			t.Errorf("%s: curve %+v; want only scratch's to move", r.Method, r.Curve)
		}
	}
}
