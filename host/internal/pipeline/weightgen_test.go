package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/stage"
	"dnw/host/internal/weightgen"
)

// weightgenPipeline is the paper pipeline up to its weight generator.
func weightgenPipeline() stage.Pipeline {
	return stage.Pipeline{Name: "weightgen", Stages: []stage.Stage{conceptsStage, pairsStage, baseStage, collectStage, weightgenStage}}
}

// TestWeightgenTrainsAndResumes trains the tiny weight generator straight through and
// again interrupted after its first loss row; both must write the same denoiser.
func TestWeightgenTrainsAndResumes(t *testing.T) {
	straight := t.TempDir()
	if err := runPipeline(t, straight, weightgenPipeline(), 1, nil); err != nil {
		t.Fatal(err)
	}
	saved, err := weightgen.Load(filepath.Join(straight, "stages/weightgen/denoiser.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if saved.Spec.BlockIndex != "sinusoidal" || saved.Spec.ChunkSize != 64 || saved.Info.TextEncoder != "text.hashgram" || saved.Info.Steps != 6 {
		t.Errorf("saved spec %+v, info %+v", saved.Spec, saved.Info)
	}
	csv, _ := os.ReadFile(filepath.Join(straight, "stages/weightgen/loss.csv"))
	if lines := strings.Split(strings.TrimSpace(string(csv)), "\n"); len(lines) != 3 || lines[0] != "step,loss" || !strings.HasPrefix(lines[2], "6,") {
		t.Errorf("loss.csv:\n%s", csv)
	}

	var check HeldoutCheck
	data, err := os.ReadFile(filepath.Join(straight, "stages/weightgen/heldout.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &check); err != nil {
		t.Fatal(err)
	}
	if len(check.Predictions) != 2 || check.BlockIndex != "sinusoidal" || !(check.PredToOwn > 0) || !(check.MeanToOwn > 0) ||
		check.Predictions[0].NearestConcept == "" || check.Predictions[0].Concept[0] != 'h' {
		t.Errorf("heldout.json: want the held-out concept's 2 prompts predicted and measured:\n%s", data)
	}
	if fit := check.Training; fit.Concepts != 3 || !(fit.PredToOwn > 0) || !(fit.MeanToOwn > 0) {
		t.Errorf("heldout.json: want the 3 training concepts' fit measured:\n%s", data)
	}

	summary, _ := os.ReadFile(filepath.Join(straight, "stages/weightgen/summary.md"))
	for _, want := range []string{"| block-index encoding | `sinusoidal` |", "| network output, loss | `v`, `v` |", "h000-", "**mean**", "On average the predictions are",
		"## Fit to the training concepts\n\nThe same measure for the first 3 training concepts"} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, summary)
		}
	}

	resumed := t.TempDir()
	err = runPipeline(t, resumed, weightgenPipeline(), 1, func(r slog.Record) bool {
		return r.Message == "weightgen loss" && attr(r, "step").Int64() == 3
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	if err := runPipeline(t, resumed, weightgenPipeline(), 1, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"denoiser.safetensors", "loss.csv", "heldout.json", "summary.md"} {
		a, _ := os.ReadFile(filepath.Join(straight, "stages/weightgen", name))
		b, err := os.ReadFile(filepath.Join(resumed, "stages/weightgen", name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the straight and the resumed run (%v)", name, err)
		}
	}
}

// The denoiser's conditioning ablations (no block-index encoding; the linear text
// route, beside the UNet's text path or alone) run through the stage, and the run's
// summary and held-out check say which was used.
func TestWeightgenAblations(t *testing.T) {
	for _, tc := range []struct {
		name    string
		set     func(*config.Weightgen)
		summary string // a row of summary.md
		check   string // a field of heldout.json
	}{
		{"block_index none", func(w *config.Weightgen) { w.BlockIndex = "none" }, "| block-index encoding | `none` |", `"block_index": "none"`},
		{"text_route linear", func(w *config.Weightgen) { w.TextRoute, w.TextRank = "linear", 4 }, "| text route | `linear`, rank 4 |", `"text_route": "linear"`},
		{"text_route linear-only", func(w *config.Weightgen) { w.TextRoute = "linear-only" }, "| text route | `linear-only`, rank 64 |", `"text_route": "linear-only"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := runPipelineWith(t, dir, weightgenPipeline(), 1, nil, func(c *config.Config) { tc.set(&c.Weightgen) }); err != nil {
				t.Fatal(err)
			}
			if _, err := weightgen.Load(filepath.Join(dir, "stages/weightgen/denoiser.safetensors")); err != nil {
				t.Fatal(err)
			}
			summary, _ := os.ReadFile(filepath.Join(dir, "stages/weightgen/summary.md"))
			check, _ := os.ReadFile(filepath.Join(dir, "stages/weightgen/heldout.json"))
			if !strings.Contains(string(summary), tc.summary) || !strings.Contains(string(check), tc.check) {
				t.Errorf("summary.md has no %q or heldout.json no %q:\n%s\n%s", tc.summary, tc.check, summary, check)
			}
		})
	}
}
