package stagecache

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func writeStage(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPutThenRestore(t *testing.T) {
	c, err := Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	writeStage(t, src, map[string]string{"out.json": "{}", "partial/a.bin": "abc"})
	key := Key("collect", "fp1", "build1")
	if key == Key("collect", "fp1", "build2") || key == Key("base", "fp1", "build1") {
		t.Error("the key ignores the build or the stage")
	}
	dst := filepath.Join(t.TempDir(), "collect")
	if hit, err := c.Restore("collect", key, dst); hit || err != nil {
		t.Fatalf("empty cache: hit %v, %v", hit, err)
	}
	if err := c.Put("collect", key, "tiny", src); err != nil {
		t.Fatal(err)
	}
	// The cache owns copies: changing the run's file later does not reach it.
	writeStage(t, src, map[string]string{"out.json": "changed"})
	if hit, err := c.Restore("collect", key, dst); !hit || err != nil {
		t.Fatalf("after put: hit %v, %v", hit, err)
	}
	for name, want := range map[string]string{"out.json": "{}", "partial/a.bin": "abc"} {
		if b, err := os.ReadFile(filepath.Join(dst, name)); err != nil || string(b) != want {
			t.Errorf("%s restored as %q, %v", name, b, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dst, metaFile)); err == nil {
		t.Error("the entry's description was restored into the stage")
	}
	entries, err := c.List()
	if err != nil || len(entries) != 1 || entries[0].Stage != "collect" || entries[0].Files != 2 || entries[0].Experiment != "tiny" {
		t.Errorf("list: %+v, %v", entries, err)
	}
}

func TestConcurrentPutsPublishOneEntry(t *testing.T) {
	c, _ := Open(t.TempDir())
	key := Key("base", "fp", "b")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		src := t.TempDir()
		writeStage(t, src, map[string]string{"g.bin": "same result"})
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = c.Put("base", key, "x", src) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	entries, _ := c.List()
	leftovers, _ := filepath.Glob(filepath.Join(c.Dir, ".put-*"))
	if len(entries) != 1 || len(leftovers) != 0 {
		t.Errorf("%d entries and %d leftovers after 8 concurrent puts of one key", len(entries), len(leftovers))
	}
}

func TestGCRemovesUnusedEntries(t *testing.T) {
	c, _ := Open(t.TempDir())
	src := t.TempDir()
	writeStage(t, src, map[string]string{"f": "x"})
	old, fresh := Key("a", "1", "b"), Key("a", "2", "b")
	c.Put("a", old, "x", src)
	c.Put("a", fresh, "x", src)
	e, _ := readEntry(c.entryDir("a", old))
	e.LastUsed = time.Now().Add(-48 * time.Hour)
	writeEntry(c.entryDir("a", old), e)
	removed, err := c.GC(time.Now().Add(-24 * time.Hour))
	if err != nil || len(removed) != 1 || removed[0].Key != old {
		t.Errorf("gc removed %+v, %v", removed, err)
	}
	if hit, _ := c.Restore("a", fresh, filepath.Join(t.TempDir(), "s")); !hit {
		t.Error("gc removed a fresh entry")
	}
}
