package conceptdirs

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Files lists what Load reads, and only that: prompt.txt and the images of A/ and
// B/ of each concept, without hidden entries, other files or sub-directories.
func TestFilesListsWhatLoadReads(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"sepia/prompt.txt", "sepia/A/1.png", "sepia/B/1.JPG", "sepia/A/.DS_Store",
		"sepia/A/notes.txt", "sepia/notes.md", ".git/config", "readme.txt", "pixel/A/2.jpeg"} {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(root, "sepia/B/old.png"), 0o755) // a directory, however named
	want := []string{"pixel/A/2.jpeg", "pixel/prompt.txt", "sepia/A/1.png", "sepia/B/1.JPG", "sepia/prompt.txt"}
	if got := Files(root); !slices.Equal(got, want) {
		t.Errorf("Files = %q\nwant    %q", got, want)
	}
	if got := Files(filepath.Join(root, "absent")); got != nil {
		t.Errorf("Files of a missing root = %q", got)
	}
}
