package stagecache

import (
	"errors"
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

// A run that edits a restored file in place (truncating it, as a user or a tool
// might) changes only its own copy: the next restore gets what was stored.
func TestEditingARestoredFileLeavesTheCacheIntact(t *testing.T) {
	c, _ := Open(t.TempDir())
	src := t.TempDir()
	writeStage(t, src, map[string]string{"denoiser.safetensors": "weights of the denoiser"})
	key := Key("weightgen", "fp", "b")
	if err := c.Put("weightgen", key, "x", src); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(t.TempDir(), "weightgen")
	if hit, err := c.Restore("weightgen", key, first); !hit || err != nil {
		t.Fatalf("restore: hit %v, %v", hit, err)
	}
	if err := os.Truncate(filepath.Join(first, "denoiser.safetensors"), 3); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(t.TempDir(), "weightgen")
	if hit, err := c.Restore("weightgen", key, second); !hit || err != nil {
		t.Fatalf("restore after the edit: hit %v, %v", hit, err)
	}
	if b, _ := os.ReadFile(filepath.Join(second, "denoiser.safetensors")); string(b) != "weights of the denoiser" {
		t.Errorf("restored %q after another run truncated its copy", b)
	}
}

// An entry whose files no longer match their recorded digests is never handed
// out: Restore evicts it, leaves nothing in the stage's directory and says which
// file is wrong; the next Put stores a sound entry again.
func TestCorruptEntryIsEvicted(t *testing.T) {
	for name, damage := range map[string]func(entry string){
		"truncated": func(entry string) { os.Truncate(filepath.Join(entry, "w.bin"), 2) },
		"edited":    func(entry string) { os.WriteFile(filepath.Join(entry, "w.bin"), []byte("WEIGHTS"), 0o644) },
		"missing":   func(entry string) { os.Remove(filepath.Join(entry, "sub/b.txt")) },
		"added":     func(entry string) { os.WriteFile(filepath.Join(entry, "extra"), nil, 0o644) },
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := Open(t.TempDir())
			src := t.TempDir()
			writeStage(t, src, map[string]string{"w.bin": "weights", "sub/b.txt": "b"})
			key := Key("weightgen", "fp", "b")
			if err := c.Put("weightgen", key, "x", src); err != nil {
				t.Fatal(err)
			}
			damage(c.entryDir("weightgen", key))
			dst := filepath.Join(t.TempDir(), "weightgen")
			hit, err := c.Restore("weightgen", key, dst)
			if hit || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("restore of a damaged entry: hit %v, err %v; want ErrCorrupt", hit, err)
			}
			if _, statErr := os.Stat(dst); statErr == nil {
				t.Error("the damaged entry's files were left in the stage's directory")
			}
			if entries, _ := c.List(); len(entries) != 0 {
				t.Errorf("the damaged entry was not evicted: %+v", entries)
			}
			if hit, err := c.Restore("weightgen", key, dst); hit || err != nil {
				t.Errorf("after eviction: hit %v, %v; want a plain miss", hit, err)
			}
			if err := c.Put("weightgen", key, "x", src); err != nil {
				t.Fatal(err)
			}
			if hit, err := c.Restore("weightgen", key, dst); !hit || err != nil {
				t.Errorf("after storing again: hit %v, %v", hit, err)
			}
		})
	}
}

// A stage that leaves no files is an entry like any other, not a corrupt one.
func TestEmptyStageRestores(t *testing.T) {
	c, _ := Open(t.TempDir())
	key := Key("empty", "fp", "b")
	if err := c.Put("empty", key, "x", t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if hit, err := c.Restore("empty", key, filepath.Join(t.TempDir(), "empty")); !hit || err != nil {
		t.Errorf("restore of an empty stage: hit %v, %v", hit, err)
	}
}
