package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/safetensors"
	"dnw/host/internal/stage"
)

// collectPipeline is the paper pipeline up to its weight dataset.
func collectPipeline() stage.Pipeline {
	return stage.Pipeline{Name: "collect", Stages: []stage.Stage{conceptsStage, pairsStage, baseStage, collectStage}}
}

// TestCollectKeepsKCheckpointsAndResumes collects the tiny config's three training
// concepts (and its held-out one, as a reference) straight through, and again with
// the run killed after the first concept is collected. The rerun must continue with
// the unfinished concepts only, and both runs must write the same weight dataset.
func TestCollectKeepsKCheckpointsAndResumes(t *testing.T) {
	straight := t.TempDir()
	if err := runPipeline(t, straight, collectPipeline(), 2, nil); err != nil {
		t.Fatal(err)
	}
	var index []IndexEntry
	data, err := os.ReadFile(filepath.Join(straight, "stages/collect/index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	perConcept := map[string][]int{}
	for _, e := range index {
		perConcept[e.Concept] = append(perConcept[e.Concept], e.Step)
		if len(e.Prompts) != 2 || e.Concept[0] != 'c' {
			t.Errorf("entry %+v: want a training concept with its 2 prompts", e)
		}
		if e.Kept != (e.Tensor != "") {
			t.Errorf("entry %+v: kept and tensor disagree", e)
		}
		// The converged filter (PSNR, higher is better, epsilon 0.02) keeps exactly
		// the checkpoints within 2% of their concept's best, and says why it drops.
		if within := e.Metric >= e.Best-0.02*math.Abs(e.Best); e.Kept != within ||
			e.Kept != (e.Dropped == "") || (!e.Kept && !strings.HasPrefix(e.Dropped, "converged: psnr ")) {
			t.Errorf("entry %+v: kept %v, but within 2%% of the best is %v", e, e.Kept, within)
		}
	}
	if len(perConcept) != 3 {
		t.Fatalf("index has %d concepts, want the 3 training ones:\n%s", len(perConcept), data)
	}
	held, err := safetensors.ReadFile(filepath.Join(straight, "stages/collect/heldout.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(held.Tensors) != 1 {
		t.Errorf("heldout.safetensors has %d tensors, want the one held-out concept's", len(held.Tensors))
	}
	for id, v := range held.Tensors {
		if id[0] != 'h' || held.Metadata["dnw.curve."+id] == "" || len(v.Data) == 0 {
			t.Errorf("heldout.safetensors: %s of %d weights, metadata %v", id, len(v.Data), held.Metadata)
		}
	}
	for id, steps := range perConcept {
		if !slices.Equal(steps, []int{2, 4}) { // K = 2 checkpoints, M = 2 steps apart, ending at step 4
			t.Errorf("concept %s: checkpoints at steps %v, want [2 4]", id, steps)
		}
	}

	// Killed after the first concept: the rerun collects only the other two.
	resumed := t.TempDir()
	var first string
	err = runPipeline(t, resumed, collectPipeline(), 1, func(r slog.Record) bool {
		if r.Message == "concept collected" {
			first = attr(r, "concept").String()
			return true
		}
		return false
	})
	if !errors.Is(err, context.Canceled) || first == "" {
		t.Fatalf("interrupted run: err = %v after concept %q, want context.Canceled after one", err, first)
	}
	var again []string
	if err := runPipeline(t, resumed, collectPipeline(), 1, func(r slog.Record) bool {
		if r.Message == "concept collected" {
			again = append(again, attr(r, "concept").String())
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	if len(again) != 3 || slices.Contains(again, first) {
		t.Errorf("the rerun collected %v after %s was done; want the three others", again, first)
	}
	for _, name := range []string{"weights.safetensors", "index.json", "curves.csv", "heldout.safetensors"} {
		a, _ := os.ReadFile(filepath.Join(straight, "stages/collect", name))
		b, err := os.ReadFile(filepath.Join(resumed, "stages/collect", name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the straight and the resumed run (%v)", name, err)
		}
	}
}
