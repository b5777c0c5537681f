package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two runs of one experiment into different directories with one cache: the
// second does no stage work, every stage is restored.
func TestSecondRunRestoresEveryStageFromTheCache(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	args := func(out string) []string {
		return []string{"run", shipped + "tiny.toml", "--until", "collect", "--cache", cache, "--out", filepath.Join(dir, out)}
	}
	if code, _, errOut := dnw(t, args("a")...); code != ExitOK {
		t.Fatal(errOut)
	}
	code, _, errOut := dnw(t, args("b")...)
	if code != ExitOK {
		t.Fatal(errOut)
	}
	m := readManifest(t, filepath.Join(dir, "b"))
	a := readManifest(t, filepath.Join(dir, "a"))
	for _, name := range []string{"concepts", "pairs", "base", "collect"} {
		rec := m.Stage(name)
		if rec.FromCache == "" || rec.Status != "done" || len(rec.Artifacts) != len(a.Stage(name).Artifacts) {
			t.Errorf("stage %s of the second run: %+v", name, rec)
		}
	}
	if n := strings.Count(errOut, "stage restored from the cache"); n != 4 {
		t.Errorf("%d stages restored, want 4:\n%s", n, errOut)
	}
	if strings.Contains(errOut, "stage started") {
		t.Errorf("the second run did stage work:\n%s", errOut)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "b", "stages/collect/index.json"))
	c, _ := os.ReadFile(filepath.Join(dir, "a", "stages/collect/index.json"))
	if len(b) == 0 || string(b) != string(c) {
		t.Error("the restored index.json differs from the computed one")
	}
	if code, out, _ := dnw(t, "status", filepath.Join(dir, "b")); code != ExitOK || strings.Count(out, " cached ") != 4 {
		t.Errorf("status of the restored run: exit %d\n%s", code, out)
	}
	code, out, _ := dnw(t, "cache", "ls", "--cache", cache)
	if code != ExitOK || !strings.Contains(out, "4 entries") || !strings.Contains(out, "collect") {
		t.Errorf("cache ls: exit %d\n%s", code, out)
	}
	code, out, _ = dnw(t, "cache", "gc", "--cache", cache, "--older-than", "0s")
	if code != ExitOK || !strings.Contains(out, "removed 4 entries") {
		t.Errorf("cache gc: exit %d\n%s", code, out)
	}
}
