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
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/progress"
	"dnw/host/internal/runstore"
	"dnw/host/internal/stage"
)

// tinyBaseConfig trains a small arch.e2gan at 16×16 for 6 steps, evaluating every 3.
func tinyBaseConfig() config.Config {
	c := config.Default()
	c.Experiment.Name, c.Experiment.Pipeline = "t", "base"
	c.Data.ImageSize = 16
	c.Model.Options = map[string]any{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}
	c.Base.Steps, c.Base.Batch, c.Base.EvalEvery = 6, 2, 3
	return c
}

// runBaseStage runs the base stage alone into dir; stop, if not -1, cancels the run
// when the stage logs its evaluation at that step.
func runBaseStage(t *testing.T, dir string, stop int) error {
	t.Helper()
	cfg := tinyBaseConfig()
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
	log := slog.New(cancelAt{slog.NewTextHandler(io.Discard, nil), stop, cancel})
	r := &stage.Runner{Run: run, Config: &cfg, Log: log, Progress: progress.New(io.Discard, progress.Options{}), Plugins: plugins}
	return r.Execute(ctx, Base())
}

// cancelAt is a log handler that calls cancel on the record "base evaluation" of step.
type cancelAt struct {
	slog.Handler
	step   int
	cancel context.CancelFunc
}

func (h cancelAt) WithAttrs(as []slog.Attr) slog.Handler {
	return cancelAt{h.Handler.WithAttrs(as), h.step, h.cancel}
}

func (h cancelAt) WithGroup(name string) slog.Handler {
	return cancelAt{h.Handler.WithGroup(name), h.step, h.cancel}
}

func (h cancelAt) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "base evaluation" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "step" && a.Value.Int64() == int64(h.step) {
				h.cancel()
			}
			return true
		})
	}
	return h.Handler.Handle(ctx, r)
}

// TestBaseStageTrainsAndResumes runs the base stage twice: straight through, and
// interrupted after its first evaluation then resumed. Both must write the same
// generator, bit for bit, as a checkpoint an independent reader finds complete.
func TestBaseStageTrainsAndResumes(t *testing.T) {
	straight := t.TempDir()
	if err := runBaseStage(t, straight, -1); err != nil {
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
	rec := run.Manifest.Stages[0]
	run.Close()
	if rec.Name != "base" || rec.PluginSecs <= 0 || rec.PluginSecs >= rec.Seconds {
		t.Errorf("stage %s: plugin seconds %v of %v", rec.Name, rec.PluginSecs, rec.Seconds)
	}

	resumed := t.TempDir()
	if err := runBaseStage(t, resumed, 3); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(resumed, "checkpoints/base.ckpt")); err != nil {
		t.Fatalf("no checkpoint after the interruption: %v", err)
	}
	if err := runBaseStage(t, resumed, -1); err != nil {
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
