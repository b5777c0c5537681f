package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSweepDryRunListsTheTrials(t *testing.T) {
	code, out, errOut := dnw(t, "sweep", shipped+"ablations/chunk-size.toml", "--dry-run", "--set", "weightgen.steps=10")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"sweep chunk-size: 3 trials (grid over 1 axes)",
		"chunk-size-000  chunk_size=128  weightgen.chunk_size = 128 (base 256)",
		"chunk-size-001  chunk_size=256  weightgen.chunk_size = 256 (as the base)"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	tiny, _ := filepath.Abs(shipped + "tiny.toml")
	bad := writeFile(t, dir, "s.toml", "base = \""+tiny+"\"\n[sweep]\nname = \"s\"\n[[ablation]]\nkey = \"weightgen.chunk_sise\"\nvalues = [1]\n")
	code, out, errOut = dnw(t, "validate", bad)
	if code == ExitOK || !strings.Contains(out+errOut, bad+":6: weightgen.chunk_sise: unknown key; did you mean chunk_size?") {
		t.Errorf("a misspelt axis key: exit %d\n%s%s", code, out, errOut)
	}
}

// A 4-trial chunk-size sweep on the tiny experiment, run twice into two sweep
// directories with one stage cache: the second does no stage work at all.
func TestSecondSweepIsAllCacheHits(t *testing.T) {
	dir := t.TempDir()
	tiny, _ := filepath.Abs(shipped + "tiny.toml")
	file := writeFile(t, dir, "chunks.toml", "base = \""+tiny+"\"\n[sweep]\nname = \"chunks\"\njobs = 2\n"+
		"[[ablation]]\nkey = \"weightgen.chunk_size\"\nvalues = [32, 64, 128, 256]\n")
	cache := filepath.Join(dir, "cache")
	logs := func(sweep string) string {
		var all string
		for i := range 4 {
			b, err := os.ReadFile(filepath.Join(dir, sweep, "trials", fmt.Sprintf("%03d", i), "trial.log"))
			if err != nil {
				t.Fatal(err)
			}
			all += string(b)
		}
		return all
	}
	for _, sweep := range []string{"first", "second"} {
		code, out, errOut := dnw(t, "sweep", file, "--out", filepath.Join(dir, sweep), "--cache", cache)
		if code != ExitOK || !strings.Contains(out, "chunk_size=256  done") {
			t.Fatalf("%s sweep: exit %d\n%s%s", sweep, code, out, errOut)
		}
	}
	first, second := logs("first"), logs("second")
	// Trials of the first sweep share concepts, pairs, base and collect: trial 0
	// computes them first, alone, and the other three restore them.
	if n := strings.Count(first, "stage restored from the cache"); n != 3*4 || strings.Count(first, "stage started stage=concepts") != 1 {
		t.Errorf("first sweep: %d stages restored (want 12), concepts computed %d times (want 1):\n%s", n,
			strings.Count(first, "stage started stage=concepts"), first)
	}
	if n := strings.Count(second, "stage restored from the cache"); n != 4*7 || strings.Contains(second, "stage started") {
		t.Errorf("second sweep: %d of 28 stages restored; stage work:\n%s", n, second)
	}
	md, err := os.ReadFile(filepath.Join(dir, "second", "report", "report.md"))
	if err != nil || !strings.Contains(string(md), "| 003 | 256 | done |") || !strings.Contains(string(md), "## Axis chunk_size") ||
		!strings.Contains(string(md), "(plots/chunk_size-speedup.png)") {
		t.Errorf("the sweep's report.md (%v):\n%s", err, md)
	}
	if _, err := os.Stat(filepath.Join(dir, "second", "report", "plots", "chunk_size-final.png")); err != nil {
		t.Error(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "second", "results.csv"))
	if err != nil || !strings.HasPrefix(string(data), "trial,name,chunk_size,status,seconds,metric,final_scratch,") ||
		!strings.Contains(string(data), "\n3,chunk_size=256,256,done,") {
		t.Errorf("results.csv (%v):\n%s", err, data)
	}
}
