package cli

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataPreviewDrawsTheRunsConcepts(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, errOut := dnw(t, "run", shipped+"tiny.toml", "--out", run, "--until", "pairs"); code != ExitOK {
		t.Fatal(errOut)
	}
	sheet := filepath.Join(dir, "sheet.png")
	code, out, errOut := dnw(t, "data", "preview", run, "--out", sheet, "--concepts", "3")
	if code != ExitOK || !strings.Contains(out, "3 concepts") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	f, err := os.Open(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// Three cells of two pairs (four 16×16 images scaled ×6) side by side, captions below.
	if b := img.Bounds(); b.Dx() < 3*4*96 || b.Dy() <= 96 {
		t.Errorf("sheet is %v, too small for 3 cells of 4 images of 96 px", b)
	}
}

func TestDataPreviewOfARunWithoutData(t *testing.T) {
	code, _, errOut := dnw(t, "data", "preview", t.TempDir())
	if code != ExitFailure || !strings.Contains(errOut, "has the run's concepts stage finished?") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	code, _, errOut = dnw(t, "data", "show", "x")
	if code != ExitUsage || !strings.Contains(errOut, "expected 'preview RUN_DIR'") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
