package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/concepts"
	"dnw/host/internal/config"
)

func heldoutIDs(t *testing.T, dir string) []string {
	t.Helper()
	cat, err := concepts.ReadFile(filepath.Join(dir, "stages/concepts/catalogue.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range cat.Heldout() {
		ids = append(ids, k.ID)
	}
	return ids
}

// A user names the held-out folder concepts in split.json or data.heldout; the latter
// wins, and without either the draw of data.heldout_concepts stays.
func TestFoldersSplitNamedBySplitJSONOrDataHeldout(t *testing.T) {
	root := t.TempDir()
	writeFolders(t, root, []string{"dusk", "neon", "sepia", "snow"}, 2)
	drawn, err := runFolders(t, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids := heldoutIDs(t, drawn); len(ids) != 1 {
		t.Fatalf("the draw held out %v; want 1 concept", ids)
	}

	if err := os.WriteFile(filepath.Join(root, "split.json"), []byte(`{"heldout": ["neon", "snow"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bySplit, err := runFolders(t, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids := heldoutIDs(t, bySplit); !slices.Equal(ids, []string{"neon", "snow"}) {
		t.Errorf("split.json: held out %v; want [neon snow]", ids)
	}

	byKey, err := runFolders(t, root, func(c *config.Config) { c.Data.Heldout = []string{"sepia"} })
	if err != nil {
		t.Fatal(err)
	}
	if ids := heldoutIDs(t, byKey); !slices.Equal(ids, []string{"sepia"}) {
		t.Errorf("data.heldout beside split.json: held out %v; want [sepia]", ids)
	}

	_, err = runFolders(t, root, func(c *config.Config) { c.Data.Heldout = []string{"sepai"} })
	if err == nil || !strings.Contains(err.Error(), `data.heldout: no concept folder "sepai" (did you mean "sepia"?); the folders are dusk, neon, sepia, snow`) {
		t.Errorf("unknown id: %v", err)
	}
	_, err = runFolders(t, root, func(c *config.Config) { c.Data.Heldout = []string{"dusk", "neon", "sepia", "snow"} })
	if err == nil || !strings.Contains(err.Error(), "holds out all 4 concepts; at least one must train") {
		t.Errorf("all held out: %v", err)
	}
}
