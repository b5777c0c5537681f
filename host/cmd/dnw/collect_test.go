package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"syscall"
	"testing"
	"time"
)

var collected = regexp.MustCompile(`concept collected stage=collect concept=(\S+)`)

// TestKilledCollectContinuesWithTheNextConcept SIGKILLs `dnw run --until collect` of
// experiments/tiny.toml (four training concepts, 40-step LoRA fits)
// once a concept is collected; the rerun must collect only the concepts the killed run
// had not finished, and end with the weight dataset of an uninterrupted run.
func TestKilledCollectContinuesWithTheNextConcept(t *testing.T) {
	args := func(dir string) []string {
		return []string{"run", "../../../experiments/tiny.toml", "--out", dir, "--until", "collect"}
	}
	ref := filepath.Join(t.TempDir(), "ref")
	if out, err := dnw(t, args(ref)...); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}

	dir := filepath.Join(t.TempDir(), "killed")
	cmd := exec.Command(dnwBin, args(dir)...)
	console, err := os.Create(filepath.Join(t.TempDir(), "console"))
	if err != nil {
		t.Fatal(err)
	}
	defer console.Close()
	cmd.Stdout, cmd.Stderr = console, console
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var first []byte
	ok := waitFor(t, 60*time.Second, func() bool {
		first, _ = os.ReadFile(console.Name())
		return collected.Match(first)
	})
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	first, _ = os.ReadFile(console.Name())
	if !ok {
		t.Fatalf("no concept collected before the deadline:\n%s", first)
	}
	before := names(first)

	out, err := dnw(t, args(dir)...)
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	after := names([]byte(out))
	t.Logf("killed after collecting %v; the rerun collected %v", before, after)
	if len(before)+len(after) != 5 || len(after) == 0 {
		t.Errorf("the killed run collected %v and the rerun %v; want the five concepts (four training, one held out) once each", before, after)
	}
	for _, id := range after {
		if slices.Contains(before, id) {
			t.Errorf("the rerun collected %s again", id)
		}
	}
	for _, name := range []string{"weights.safetensors", "index.json", "curves.csv", "heldout.safetensors"} {
		want, _ := os.ReadFile(filepath.Join(ref, "stages/collect", name))
		got, err := os.ReadFile(filepath.Join(dir, "stages/collect", name))
		if err != nil || len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the uninterrupted run (%v)", name, err)
		}
	}
}

// names lists the concepts a run's output says it collected.
func names(out []byte) []string {
	var ids []string
	for _, m := range collected.FindAllSubmatch(out, -1) {
		ids = append(ids, string(m[1]))
	}
	return ids
}
