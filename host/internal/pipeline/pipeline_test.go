package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/extensions"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/progress"
	"dnw/host/internal/runstore"
	"dnw/host/internal/stage"
)

func TestForKnowsEveryPipelineOfTheSchema(t *testing.T) {
	f, _ := config.Lookup("experiment.pipeline")
	for _, name := range f.Enum {
		p, err := For(name)
		if err != nil || p.Name != name {
			t.Errorf("For(%q) = %v, %v", name, p.Name, err)
		}
	}
	if _, err := For("nope"); err == nil {
		t.Error("unknown pipeline accepted")
	}
}

func TestPaperPipelineOrder(t *testing.T) {
	p := Paper()
	var names []string
	for _, s := range p.Stages {
		names = append(names, s.Name)
		c := config.Default()
		c.Values(s.Keys...) // panics on a key the schema lacks
	}
	if got := strings.Join(names, " → "); got != "concepts → pairs → base → collect → weightgen → finetune → report" {
		t.Errorf("order %s", got)
	}
	if err := p.Check(); err != nil {
		t.Errorf("Check = %v", err)
	}
}

func TestSelftestFitsTheTrueWeights(t *testing.T) {
	cfg := config.Default()
	cfg.Experiment.Name = "t"
	cfg.Selftest.Samples, cfg.Selftest.Steps = 2000, 1500
	run, err := runstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	run.Manifest = &runstore.Manifest{Format: runstore.ManifestFormat}
	plugins, err := pluginhost.NewManager(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plugins.Close()
	r := &stage.Runner{Run: run, Config: &cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Progress: progress.New(io.Discard, progress.Options{}), Plugins: plugins, Extensions: extensions.NewSet(&cfg)}
	if err := r.Execute(context.Background(), Selftest()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(run.Dir, "stages/summarize/summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	var pc PluginCheck
	data, _ = os.ReadFile(filepath.Join(run.Dir, "stages/plugins/plugins.json"))
	if err := json.Unmarshal(data, &pc); err != nil {
		t.Fatal(err)
	}
	// The default experiment: arch.e2gan with lora.e2gan-paper (16 layers) cut by
	// chunk.per-layer into chunks of 256, schedule.linear over 1000 steps, text.hashgram.
	if pc.LoRALayers != 16 || pc.ChunkGroups != 16 || pc.Chunks*256 < pc.LoRAWeights ||
		pc.AlphaBarFirst != 1-1e-4 || pc.EmbeddingDim != 256 || pc.GeneratorParams == 0 {
		t.Errorf("plugins.json: %+v", pc)
	}
	// SGD on y = x·w + ε, ε ~ N(0, 0.1²): the loss falls to the noise floor and the
	// weights approach the truth.
	if s.FirstLoss < 10*s.FinalLoss || s.FinalLoss > 1.5*s.NoiseFloor || s.WeightRMSE > 0.02 {
		t.Errorf("fit did not converge: %+v", s)
	}
}

// Trials that differ only in the weight generator share every stage before it; a
// difference in the data shares none.
func TestSharedPrefixOfTheTrials(t *testing.T) {
	a, b := config.Default(), config.Default()
	a.Experiment.Name, b.Experiment.Name = "sweep-000", "sweep-001"
	b.Weightgen.ChunkSize = 128
	if got := Paper().SharedPrefix([]*config.Config{&a, &b}); got != "collect" {
		t.Errorf("chunk size differs: shared up to %q, want collect", got)
	}
	b = config.Default()
	b.Data.ImageSize = 32
	if got := Paper().SharedPrefix([]*config.Config{&a, &b}); got != "" {
		t.Errorf("image size differs: shared up to %q, want nothing", got)
	}
	b = config.Default()
	b.LoRA.Placement = "lora.attention-only"
	if got := Paper().SharedPrefix([]*config.Config{&a, &b}); got != "base" {
		t.Errorf("LoRA placement differs: shared up to %q, want base", got)
	}
}
