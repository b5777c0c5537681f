package conceptdirs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadSplit(t *testing.T) {
	root := t.TempDir()
	if _, ok, err := ReadSplit(root); ok || err != nil {
		t.Fatalf("no split.json: ok %v, err %v", ok, err)
	}
	path := filepath.Join(root, SplitFile)
	for body, want := range map[string]string{
		"{\"heldout\": [\"a\",\n \"b\"\n}":      path + ":3: invalid character '}'",
		`{"held_out": ["a"]}`:                   path + `: json: unknown field "held_out" (want {"heldout": ["concept", …]})`,
		`{"heldout": []}`:                       path + `: "heldout" names no concept`,
		`{"heldout": ["a", "b", "a"]}`:          path + `: "heldout" names "a" twice`,
		`{"heldout": "a"}`:                      path + ": json: cannot unmarshal string",
		"{\"heldout\": [\"neon\", \"dusk\"]}\n": "",
	} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		ids, ok, err := ReadSplit(root)
		switch {
		case want == "" && (err != nil || !ok || !slices.Equal(ids, []string{"neon", "dusk"})):
			t.Errorf("%s: ids %v, ok %v, err %v", body, ids, ok, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%s: err %v, want %q…", body, err, want)
		}
	}
	if files := Files(root); !slices.Contains(files, SplitFile) {
		t.Errorf("Files lacks split.json, which the concepts stage reads: %v", files)
	}
}
