package pipeline

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	for _, name := range []string{"denoiser.safetensors", "loss.csv"} {
		a, _ := os.ReadFile(filepath.Join(straight, "stages/weightgen", name))
		b, err := os.ReadFile(filepath.Join(resumed, "stages/weightgen", name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the straight and the resumed run (%v)", name, err)
		}
	}
}
