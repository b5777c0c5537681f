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
			row := referenceRow(string(doc), f.Key)
			if row == "" {
				t.Errorf("experiments/README.md has no reference row for %s", f.Key)
				continue
			}
			if b := f.Bounds(); b != "" && !strings.Contains(row, "| "+b) {
				t.Errorf("experiments/README.md's row for %s does not say %q:\n%s", f.Key, b, row)
			}
		}
	}
}

// referenceRow returns the line of experiments/README.md's table that documents key.
func referenceRow(doc, key string) string {
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "| `"+key+"` |") {
			return line
		}
	}
	return ""
}

// Every number has an upper bound, so that a value past any sensible size (an
// extra zero, 10^12 pairs) is refused by dnw validate instead of crashing a stage.
func TestEveryNumberIsBounded(t *testing.T) {
	for _, s := range Sections() {
		for _, f := range s.Fields {
			switch f.Kind {
			case KindInt, KindFloat, KindInts, KindDuration:
				if f.Max == nil {
					t.Errorf("%s has no upper bound (max tag)", f.Key)
				}
			}
		}
	}
}
