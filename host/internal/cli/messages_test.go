package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/runstore"
)

// validate counts a file's problems in words that agree with the number.
func TestValidateCountsProblemsInAgreement(t *testing.T) {
	dir := t.TempDir()
	one := writeFile(t, dir, "one.toml", "[experiment]\nname = \"one\"\n\n[weightgen]\nchunck_size = 128\n")
	two := writeFile(t, dir, "two.toml", "[experiment]\nname = \"two\"\n\n[weightgen]\nchunck_size = 128\nstepz = 3\n")
	code, out, _ := dnw(t, "validate", one, two)
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"FAIL  " + one + " (1 problem)\n", "FAIL  " + two + " (2 problems)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

// predict asks whether weightgen finished only when its file is missing; a file
// that is there but corrupt is called corrupt, and the way to recompute it given.
func TestPredictCallsACorruptGeneratorCorrupt(t *testing.T) {
	run := t.TempDir()
	path := filepath.Join(run, "stages", "weightgen", "denoiser.safetensors")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte{1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := dnw(t, "predict", "--run", run, "--prompt", "x")
	if code != ExitFailure || strings.Contains(errOut, "finished?") || !strings.Contains(errOut, "corrupt") ||
		!strings.Contains(errOut, path) || !strings.Contains(errOut, "'dnw run "+run+"' computes it again") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// A session that cannot save its manifest at the end (a full disk) leaves one that
// says "running"; dnw status says the run failed and why, not that it was killed.
func TestStatusAfterAnUnsavedFailureSaysFailed(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	if code, _, errOut := dnw(t, "run", shipped+"tiny.toml", "--out", run, "--until", "concepts"); code != ExitOK {
		t.Fatal(errOut)
	}
	r, err := runstore.Open(run)
	if err != nil {
		t.Fatal(err)
	}
	r.Manifest.Status = runstore.Running
	r.Manifest.Sessions = append(r.Manifest.Sessions, runstore.Session{Status: runstore.Running})
	if err := r.SaveManifest(); err != nil {
		t.Fatal(err)
	}
	// Under a regular file no manifest can be written, as on a full disk.
	r.Dir = writeFile(t, run, "not-a-directory", "")
	if err := endSession(r, errors.New("stage base: no space left on device")); err == nil {
		t.Fatal("endSession saved the manifest")
	}
	r.Close()

	code, out, errOut := dnw(t, "status", run)
	want := "failed: stage base: no space left on device; then manifest.json could not be saved"
	if code != ExitOK || !strings.Contains(out, want) || strings.Contains(out, "killed") {
		t.Errorf("exit %d; want status %q, not killed:\n%s%s", code, want, out, errOut)
	}
}
