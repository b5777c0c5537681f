package stage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/stagecache"
)

// cachedRun executes p in a fresh run directory that shares cache.
func cachedRun(t *testing.T, cache *stagecache.Cache, p Pipeline) *harness {
	t.Helper()
	h := newHarness(t)
	r := h.runner()
	r.Cache, r.Build = cache, "build"
	if err := r.Execute(t.Context(), p); err != nil {
		t.Fatalf("Execute: %v\nlog:\n%s", err, h.log.String())
	}
	return h
}

// A run that edits a restored artifact in place does not reach the cache; and an
// entry damaged in the cache itself is evicted with a warning and recomputed, never
// restored.
func TestCacheSurvivesEditedArtifacts(t *testing.T) {
	cache, err := stagecache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := newCounts()
	p := diamond(c)
	first := cachedRun(t, cache, p)
	want := first.read("stages/b/out.txt")

	second := cachedRun(t, cache, p)
	if c.runs["b"] != 1 {
		t.Fatalf("b ran %d times, want 1 (then restored)", c.runs["b"])
	}
	if err := os.Truncate(second.path("stages/b/out.txt"), 1); err != nil {
		t.Fatal(err)
	}
	third := cachedRun(t, cache, p)
	if got := third.read("stages/b/out.txt"); got != want || c.runs["b"] != 1 {
		t.Fatalf("after another run truncated its copy: restored %q (want %q), b ran %d times", got, want, c.runs["b"])
	}

	// Damage the cache's own copy of b.
	entries, _ := filepath.Glob(filepath.Join(cache.Dir, "b-*", "out.txt"))
	if len(entries) != 1 {
		t.Fatalf("cache entries of b: %v", entries)
	}
	if err := os.WriteFile(entries[0], []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	fourth := cachedRun(t, cache, p)
	if got := fourth.read("stages/b/out.txt"); got != want || c.runs["b"] != 2 {
		t.Errorf("with a damaged entry: got %q (want %q), b ran %d times (want 2: recomputed)", got, want, c.runs["b"])
	}
	if log := fourth.log.String(); !strings.Contains(log, "level=WARN") || !strings.Contains(log, "corrupt") {
		t.Errorf("no warning about the corrupt entry:\n%s", log)
	}
	if fourth.record("b").FromCache != "" || fourth.record("c").FromCache == "" {
		t.Errorf("b from cache %q, c from cache %q: want b recomputed, c restored", fourth.record("b").FromCache, fourth.record("c").FromCache)
	}
	// The recomputed stage was stored again, soundly.
	fifth := cachedRun(t, cache, p)
	if got := fifth.read("stages/b/out.txt"); got != want || c.runs["b"] != 2 {
		t.Errorf("after recomputing: restored %q, b ran %d times", got, c.runs["b"])
	}
}
