package pipeline

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/engine"
	"dnw/host/internal/extensions"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/progress"
	"dnw/host/internal/runstore"
	"dnw/host/internal/stage"
)

// tinyConfig trains a small arch.e2gan at 16×16 on three rendered training concepts:
// 6 base steps evaluated every 3, a 4-step LoRA fit per concept keeping 2
// checkpoints 2 steps apart, and a small weight generator for 6 steps.
func tinyConfig() config.Config {
	c := config.Default()
	c.Experiment.Name, c.Experiment.Pipeline = "t", "base"
	c.Data.ImageSize, c.Data.TrainConcepts, c.Data.HeldoutConcepts, c.Data.Paraphrases = 16, 3, 1, 2
	c.Data.PairsPerConcept, c.Data.TestPairs = 4, 2
	c.Model.Options = map[string]any{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}
	c.Base.Steps, c.Base.Batch, c.Base.EvalEvery = 6, 2, 3
	c.Collect.Steps, c.Collect.Batch, c.Collect.EvalEvery, c.Collect.Checkpoints, c.Collect.Every = 4, 2, 2, 2, 2
	w := &c.Weightgen
	w.ChunkSize, w.Widths, w.Heads, w.Steps, w.Batch, w.LogEvery = 64, []int{8, 16, 16}, 2, 6, 4, 3
	c.Finetune.Steps, c.Finetune.Batch, c.Finetune.EvalEvery = 4, 2, 2
	return c
}

// runPipeline runs p with the tiny config into dir with jobs workers; if stop is not
// nil, the run is cancelled on the first log record for which it returns true, as a
// kill would stop it.
func runPipeline(t *testing.T, dir string, p stage.Pipeline, jobs int, stop func(slog.Record) bool) error {
	t.Helper()
	return runPipelineWith(t, dir, p, jobs, stop, nil)
}

// runPipelineWith is runPipeline with the tiny config changed by mutate first.
func runPipelineWith(t *testing.T, dir string, p stage.Pipeline, jobs int, stop func(slog.Record) bool, mutate func(*config.Config)) error {
	t.Helper()
	cfg := tinyConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	run, err := runstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if run.Manifest == nil {
		run.Manifest = &runstore.Manifest{Format: runstore.ManifestFormat}
	}
	plugins, err := pluginhost.NewManager(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plugins.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var h slog.Handler = slog.NewTextHandler(io.Discard, nil)
	if stop != nil {
		h = cancelOn{h, stop, cancel}
	}
	r := &stage.Runner{Run: run, Config: &cfg, Log: slog.New(h), Progress: progress.New(io.Discard, progress.Options{}),
		Plugins: plugins, Extensions: extensions.NewSet(&cfg), Jobs: jobs}
	return r.Execute(ctx, p)
}

// cancelOn is a log handler that calls cancel on records that stop accepts.
type cancelOn struct {
	slog.Handler
	stop   func(slog.Record) bool
	cancel context.CancelFunc
}

func (h cancelOn) WithAttrs(as []slog.Attr) slog.Handler {
	return cancelOn{h.Handler.WithAttrs(as), h.stop, h.cancel}
}

func (h cancelOn) WithGroup(name string) slog.Handler {
	return cancelOn{h.Handler.WithGroup(name), h.stop, h.cancel}
}

func (h cancelOn) Handle(ctx context.Context, r slog.Record) error {
	if h.stop(r) {
		h.cancel()
	}
	return h.Handler.Handle(ctx, r)
}

// attr returns the record's attribute key, or the zero Value.
func attr(r slog.Record, key string) (v slog.Value) {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value
			return false
		}
		return true
	})
	return v
}

// atBaseEvaluation stops a run at the base stage's evaluation of step.
func atBaseEvaluation(step int) func(slog.Record) bool {
	return func(r slog.Record) bool {
		return r.Message == "base evaluation" && attr(r, "step").Int64() == int64(step)
	}
}

// TestBaseStageTrainsAndResumes runs the base stage twice: straight through, and
// interrupted after its first evaluation then resumed. Both must write the same
// generator, bit for bit, as a checkpoint an independent reader finds complete.
func TestBaseStageTrainsAndResumes(t *testing.T) {
	straight := t.TempDir()
	if err := runPipeline(t, straight, Base(), 1, nil); err != nil {
		t.Fatal(err)
	}
	ck, err := engine.LoadCheckpoint(filepath.Join(straight, "stages/base/generator.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if ck.Arch != "arch.e2gan" || ck.Extra["steps"] != "6" || len(ck.Params) == 0 {
		t.Errorf("checkpoint: arch %q, extra %v, %d tensors", ck.Arch, ck.Extra, len(ck.Params))
	}
	csv, err := os.ReadFile(filepath.Join(straight, "stages/base/loss.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 4 || lines[0] != "step,l1,gen_adv,disc,eval_l1" || !strings.HasPrefix(lines[1], "0,,,,") || !strings.HasPrefix(lines[3], "6,") {
		t.Errorf("loss.csv:\n%s", csv)
	}

	// The stage's one plugin call (the architecture) is accounted for in its record.
	run, err := runstore.Open(straight)
	if err != nil {
		t.Fatal(err)
	}
	rec := run.Manifest.Stages[2]
	run.Close()
	if rec.Name != "base" || rec.PluginSecs <= 0 || rec.PluginSecs >= rec.Seconds {
		t.Errorf("stage %s: plugin seconds %v of %v", rec.Name, rec.PluginSecs, rec.Seconds)
	}

	resumed := t.TempDir()
	if err := runPipeline(t, resumed, Base(), 1, atBaseEvaluation(3)); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(resumed, "checkpoints/base.ckpt")); err != nil {
		t.Fatalf("no checkpoint after the interruption: %v", err)
	}
	if err := runPipeline(t, resumed, Base(), 1, nil); err != nil {
		t.Fatal(err)
	}
	again, err := engine.LoadCheckpoint(filepath.Join(resumed, "stages/base/generator.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(ck.Params)) {
		if !slices.Equal(ck.Params[name].Data, again.Params[name].Data) {
			t.Fatalf("tensor %s differs between the straight and the resumed run", name)
		}
	}
	csv2, _ := os.ReadFile(filepath.Join(resumed, "stages/base/loss.csv"))
	if string(csv2) != string(csv) {
		t.Errorf("loss.csv differs:\n%s\nvs\n%s", csv2, csv)
	}
}
