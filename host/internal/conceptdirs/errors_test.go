package conceptdirs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Problems of the folder are DataErrors (the user's to fix: dnw exits 2); a
// caller's mistake is not.
func TestFolderProblemsAreDataErrors(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "sepia", "A"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"missing root": filepath.Join(root, "nowhere"), "concept without prompt.txt or B/": root} {
		_, err := Load(context.Background(), dir, Options{Size: 8})
		var de *DataError
		if !errors.As(err, &de) || !de.BadInput() {
			t.Errorf("%s: %v is not a DataError", name, err)
		}
	}
	_, err := Load(context.Background(), root, Options{Size: 0})
	var de *DataError
	if err == nil || errors.As(err, &de) {
		t.Errorf("Options.Size 0: %v; want an error that is not a DataError", err)
	}
}
