package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A sweep of four self-test trials, one at a time, each about a second.
const selftestSweep = `base = "%s"
[sweep]
name = "lr"
jobs = 1
[[ablation]]
key = "selftest.lr"
values = [0.05, 0.04, 0.03, 0.02]
`

func writeSweep(t *testing.T) string {
	t.Helper()
	base, _ := filepath.Abs("../../../experiments/selftest.toml")
	p := filepath.Join(t.TempDir(), "lr.toml")
	if err := os.WriteFile(p, []byte(strings.Replace(selftestSweep, "%s", base, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var sweepSets = []string{"--set", "selftest.samples=2000", "--set", "selftest.steps=300",
	"--set", "selftest.checkpoint_every=25", "--set", "selftest.step_delay=3ms"}

// Killed midway (SIGKILL to the sweep and its trials) and resumed, a sweep runs
// only the unfinished trials; the finished ones keep their files byte for byte.
func TestKilledSweepResumesOnlyTheUnfinishedTrials(t *testing.T) {
	file := writeSweep(t)
	dir := filepath.Join(t.TempDir(), "sweep")
	cmd := exec.Command(dnwBin, append([]string{"sweep", file, "--out", dir}, sweepSets...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the trials join its process group
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	trial := func(i int) string { return filepath.Join(dir, "trials", "00"+string(rune('0'+i))) }
	ok := waitFor(t, 60*time.Second, func() bool {
		fit := stageRecord(trial(2), "fit")
		return stageStates(trial(1)) != "" && stageRecord(trial(1), "summarize") != nil &&
			stageRecord(trial(1), "summarize").Status == "done" && fit != nil && fit.Progress != nil
	})
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
	if !ok {
		t.Fatalf("trial 2 never got going:\n%s", stderr.String())
	}
	snapshot := func(i int) map[string]string {
		files := map[string]string{}
		filepath.Walk(trial(i), func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(p)
				files[p] = string(b)
			}
			return nil
		})
		return files
	}
	before := []map[string]string{snapshot(0), snapshot(1)}
	if s := stageRecord(trial(3), "plugins"); s != nil {
		t.Fatalf("trial 3 started before the kill: %s", stageStates(trial(3)))
	}

	out, err := dnw(t, "sweep", "resume", dir)
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if !strings.Contains(out, `msg="running trials" sweep=lr todo=2 of=4`) {
		t.Errorf("resume did not run exactly the 2 unfinished trials:\n%s", out)
	}
	for i, files := range before {
		after := snapshot(i)
		if len(after) != len(files) {
			t.Errorf("trial %d: %d files before the resume, %d after", i, len(files), len(after))
		}
		for p, b := range files {
			if after[p] != b {
				t.Errorf("trial %d: %s changed in the resume", i, p)
			}
		}
	}
	for i := range 4 {
		if s := stageRecord(trial(i), "summarize"); s == nil || s.Status != "done" {
			t.Errorf("trial %d after the resume: %s", i, stageStates(trial(i)))
		}
	}
	if fit := stageRecord(trial(2), "fit"); fit == nil || fit.ResumedAt == 0 {
		t.Errorf("trial 2 started over instead of resuming its checkpoint: %+v", fit)
	}
	data, err := os.ReadFile(filepath.Join(dir, "results.csv"))
	if err != nil || strings.Count(string(data), ",done,") != 4 {
		t.Errorf("results.csv after the resume (%v):\n%s", err, data)
	}
}
