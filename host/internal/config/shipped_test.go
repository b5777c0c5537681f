package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/experiments"
)

const experimentsDir = "../../../experiments"

func TestShippedExperimentsValidate(t *testing.T) {
	n := 0
	err := filepath.WalkDir(experimentsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".toml" {
			return err
		}
		if data, _ := os.ReadFile(p); strings.Contains("\n"+string(data), "\n[sweep]") {
			return nil // a sweep file: package sweep's tests resolve its trials
		}
		n++
		if _, err := Load(p, nil); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("found %d experiment files under %s", n, experimentsDir)
	}
	if _, err := LoadFS(experiments.Files, experiments.Default, nil); err != nil {
		t.Errorf("embedded default: %v", err)
	}
}

func TestReferenceDocumentsEveryKey(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(experimentsDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Sections() {
		for _, f := range s.Fields {
			if !strings.Contains(string(doc), "| `"+f.Key+"` |") {
				t.Errorf("experiments/README.md has no reference row for %s", f.Key)
			}
		}
	}
}
