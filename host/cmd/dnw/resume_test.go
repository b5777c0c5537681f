package main

import (
	"bytes"
	"dnw/host/internal/extensions/exttest"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the real dnw binary: they SIGKILL it in the middle of a stage and
// check that rerunning `dnw run` on the same directory finishes with artifacts
// byte-identical to an uninterrupted run with the same seed.

var dnwBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dnw-bin-")
	if err != nil {
		panic(err)
	}
	dnwBin = filepath.Join(dir, "dnw")
	if out, err := exec.Command("go", "build", "-o", dnwBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building dnw: %v\n%s", err, out)
		os.Exit(1)
	}
	exttest.UseBuiltins() // the children inherit DNW_EXT_DIR
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// selftestArgs sizes the self-test so one fit takes about a second with the delay.
func selftestArgs(dir, delay string) []string {
	return []string{"run", "../../../experiments/selftest.toml", "--out", dir,
		"--set", "selftest.samples=2000", "--set", "selftest.steps=400",
		"--set", "selftest.checkpoint_every=25", "--set", "selftest.step_delay=" + delay}
}

func dnw(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(dnwBin, args...).CombinedOutput()
	return string(out), err
}

// referenceRun is an uninterrupted run; step_delay does not enter any fingerprint or
// result, so it runs at full speed.
func referenceRun(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ref")
	if out, err := dnw(t, selftestArgs(dir, "0s")...); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	return dir
}

func TestKilledMidStageResumesToIdenticalArtifacts(t *testing.T) {
	ref := referenceRun(t)
	dir := filepath.Join(t.TempDir(), "killed")
	args := selftestArgs(dir, "3ms")

	cmd := exec.Command(dnwBin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once the fit stage has checkpointed and is still running.
	done := waitFor(t, 20*time.Second, func() bool {
		fit := stageRecord(dir, "fit")
		return fit != nil && fit.Progress != nil && fit.Progress.Done >= 50 && fit.Status == "running"
	})
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if !done {
		t.Fatal("fit never reached a checkpoint")
	}
	killedAt := stageRecord(dir, "fit").Progress.Done
	if killedAt >= 400 {
		t.Fatalf("killed too late: fit progress %d", killedAt)
	}
	if _, err := os.Stat(filepath.Join(dir, "stages/fit/weights.bin")); err == nil {
		t.Fatal("fit wrote its result before finishing")
	}
	status, _ := dnw(t, "status", dir)
	if !strings.Contains(status, "interrupted") {
		t.Errorf("status after SIGKILL does not say interrupted:\n%s", status)
	}

	out, err := dnw(t, args...)
	if err != nil {
		t.Fatalf("resumed run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "stage up to date stage=sample") || !strings.Contains(out, "resuming from checkpoint") {
		t.Errorf("the rerun did not skip sample and resume fit:\n%s", out)
	}
	if got := stageRecord(dir, "fit").ResumedAt; got < killedAt-25 || got > killedAt {
		t.Errorf("fit resumed at step %d, want the checkpoint before %d", got, killedAt)
	}
	assertSameArtifacts(t, ref, dir)
}

func TestKilledAtRandomInstantsStillCompletesIdentically(t *testing.T) {
	ref := referenceRun(t)
	dir := filepath.Join(t.TempDir(), "chaos")
	args := selftestArgs(dir, "2ms")
	rng := rand.New(rand.NewPCG(7, 11)) // fixed, so a failure reproduces
	for i := range 5 {
		cmd := exec.Command(dnwBin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		t.Logf("kill %d: stages %s", i, stageStates(dir))
	}
	if out, err := dnw(t, args...); err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	assertSameArtifacts(t, ref, dir)
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".dnw-tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestInterruptSavesCheckpointAndExits130(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "int")
	cmd := exec.Command(dnwBin, selftestArgs(dir, "3ms")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ok := waitFor(t, 20*time.Second, func() bool {
		fit := stageRecord(dir, "fit")
		return fit != nil && fit.Status == "running" && fit.Progress != nil
	})
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if !ok {
		t.Fatal("fit never started")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit code %d (%v), want 130\n%s", code, err, stderr.String())
	}
	fit := stageRecord(dir, "fit")
	if fit.Status != "interrupted" {
		t.Errorf("fit status %q, want interrupted", fit.Status)
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoints/fit.ckpt")); err != nil {
		t.Errorf("no checkpoint after Ctrl-C: %v", err)
	}
}

type stageRec struct {
	Name      string `json:"name"`
	Status    string `json:"status"`
	ResumedAt int64  `json:"resumed_at"`
	Progress  *struct {
		Done int64 `json:"done"`
	} `json:"progress"`
}

func stageRecord(dir, name string) *stageRec {
	var m struct {
		Stages []*stageRec `json:"stages"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil || json.Unmarshal(data, &m) != nil {
		return nil // not written yet; manifest writes are atomic, so never half-written
	}
	for _, s := range m.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func stageStates(dir string) string {
	var parts []string
	for _, n := range []string{"plugins", "sample", "fit", "summarize"} {
		if s := stageRecord(dir, n); s != nil {
			parts = append(parts, n+"="+s.Status)
		}
	}
	return strings.Join(parts, " ")
}

func waitFor(t *testing.T, limit time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// assertSameArtifacts compares every file under stages/ of two run directories.
func assertSameArtifacts(t *testing.T, want, got string) {
	t.Helper()
	files := func(root string) map[string][]byte {
		m := map[string][]byte{}
		filepath.WalkDir(filepath.Join(root, "stages"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, p)
				m[rel], _ = os.ReadFile(p)
			}
			return nil
		})
		return m
	}
	w, g := files(want), files(got)
	if len(w) != 6 {
		t.Fatalf("reference run has %d artifacts, want 6", len(w))
	}
	for name, data := range w {
		if !bytes.Equal(g[name], data) {
			t.Errorf("%s differs from the uninterrupted run (%d vs %d bytes)", name, len(g[name]), len(data))
		}
	}
	if len(g) != len(w) {
		t.Errorf("%d artifacts, want %d", len(g), len(w))
	}
}
