package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/concepts"
)

// TestPhotosExampleReadsItsData runs experiments/photos.toml's two commands at a
// smaller size: tools/photo_concepts.py writes the folder data (from the .venv, where
// make deps installs scikit-image and Pillow; skipped without it unless
// DNW_REQUIRE_VENV is set), and the experiment's data stages read it, holding out the
// concepts its split.json names.
func TestPhotosExampleReadsItsData(t *testing.T) {
	py, err := filepath.Abs("../../../.venv/bin/python")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(py, "-c", "import skimage, PIL").CombinedOutput(); err != nil {
		if os.Getenv("DNW_REQUIRE_VENV") != "" {
			t.Fatalf("DNW_REQUIRE_VENV is set, but %s lacks scikit-image or Pillow (make deps): %v\n%s", py, err, out)
		}
		t.Skipf("no .venv with scikit-image (make deps): %v", err)
	}
	data := filepath.Join(t.TempDir(), "photos-data")
	if out, err := exec.Command(py, "../../../tools/photo_concepts.py", data, "--pairs", "4", "--size", "32").CombinedOutput(); err != nil {
		t.Fatalf("tools/photo_concepts.py: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "run")
	code, _, errOut := dnw(t, "run", shipped+"photos.toml", "--out", dir, "--until", "pairs",
		"--set", `data.dir="`+data+`"`, "--set", "data.test_pairs=1")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if strings.Contains(errOut, "WARN") {
		t.Errorf("warnings reading the photos:\n%s", errOut)
	}
	cat, err := concepts.ReadFile(filepath.Join(dir, "stages/concepts/catalogue.json"))
	if err != nil {
		t.Fatal(err)
	}
	var held []string
	for _, k := range cat.Heldout() {
		held = append(held, k.ID)
	}
	slices.Sort(held)
	if want := []string{"grayscale-contrast", "pixelate-invert", "sepia-blur", "sketch-warm"}; !slices.Equal(held, want) || len(cat.Train()) != 20 {
		t.Errorf("held out %v and %d training concepts; want %v and 20", held, len(cat.Train()), want)
	}
}
