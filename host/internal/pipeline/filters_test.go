package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/concepts"
	"dnw/host/internal/config"
	"dnw/host/internal/pairstore"
)

// readDropped reads a stage's dropped.json.
func readDropped(t *testing.T, dir, stage string) []droppedRecord {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "stages", stage, "dropped.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d []droppedRecord
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFilterHooksRunTheBuiltinFilters(t *testing.T) {
	root := t.TempDir()
	writeFolders(t, root, []string{"dusk", "neon", "sepia", "twin"}, 4)
	// twin's prompt is dusk's: dedupe-concepts drops it as a duplicate.
	if err := os.WriteFile(filepath.Join(root, "twin", "prompt.txt"), []byte("dusk look\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir, err := runFolders(t, root, func(c *config.Config) {
		c.Filters.Concepts = []string{"dedupe-concepts"}
		c.Filters.Pairs = []string{"pair-quality"}
		// The folder pairs are flat images (source level 10·i, target its inverse):
		// judge them by their change alone, and keep only the largest.
		c.Extensions.Options = map[string]any{"pair-quality": map[string]any{"min_change": 1.9, "min_contrast": 0}}
	})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := concepts.ReadFile(filepath.Join(dir, "stages/concepts/catalogue.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range cat.Concepts {
		ids = append(ids, k.ID)
	}
	if strings.Join(ids, ",") != "dusk,neon,sepia" {
		t.Errorf("catalogue %v, want twin dropped", ids)
	}
	if d := readDropped(t, dir, "concepts"); len(d) != 1 || d[0].Concept != "twin" ||
		!strings.HasPrefix(d[0].Reason, "dedupe-concepts: cosine 1.000 with dusk") {
		t.Errorf("concepts dropped %+v", d)
	}

	pairs, err := pairstore.Read(filepath.Join(dir, "stages/pairs/pairs.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	// Of 3 training pairs (levels 0, 10, 20) only level 0 changes by more than 1.9
	// (|2·(1 − 2·level/255)| = 2); the test pair is never filtered.
	dropped := readDropped(t, dir, "pairs")
	for _, id := range ids {
		if p := pairs[id]; p.Train.N != 1 || p.Test.N != 1 {
			t.Errorf("%s: %d training and %d test pairs, want 1 and 1", id, p.Train.N, p.Test.N)
		}
	}
	if len(dropped) != 2*len(ids) || dropped[0].Pair == nil || *dropped[0].Pair != 1 ||
		!strings.HasPrefix(dropped[0].Reason, "pair-quality: target ≈ source") {
		t.Errorf("pairs dropped %+v", dropped)
	}

	// A filter that leaves a concept without pairs stops the stage, naming it.
	_, err = runFolders(t, root, func(c *config.Config) { c.Filters.Pairs = []string{"pair-quality"} })
	if err == nil || !strings.Contains(err.Error(), "dropped every training pair of concept dusk (first reason: pair-quality: flat target") {
		t.Errorf("every pair dropped: %v", err)
	}
	// Under extensions.on_error = continue, a failing filter keeps its records.
	dir, err = runFolders(t, root, func(c *config.Config) {
		c.Filters.Pairs = []string{"pair-quality"}
		c.Extensions.Options = map[string]any{"pair-quality": map[string]any{"min_contrast": 0}}
		c.Extensions.OnError = "continue"
		c.Extensions.Deadline = config.Duration{Duration: 1} // 1 ns: the filter cannot even start
	})
	if err != nil {
		t.Fatalf("on_error = continue: %v", err)
	}
	if d := readDropped(t, dir, "pairs"); len(d) != 0 {
		t.Errorf("a failed filter dropped %+v", d)
	}
}
