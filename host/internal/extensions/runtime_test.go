package extensions

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/extensions/exttest"
)

// A compilation cache the user's account cannot use ($HOME/.cache a file, or a
// directory it may not read or write) costs time, not the run: the runtime warns
// and compiles without one.
func TestUnusableCompilationCacheFallsBackWithAWarning(t *testing.T) {
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".cache"), []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", "")
	cases := map[string]string{"$HOME/.cache is a file": SandboxConfig(config.Default().Extensions).CacheDir}
	if os.Geteuid() != 0 { // root reads and writes whatever the mode says
		locked := filepath.Join(t.TempDir(), "locked")
		if err := os.Mkdir(locked, 0o000); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(locked, 0o700) })
		cases["a directory without permissions"] = filepath.Join(locked, "dnw", "wazero")
	}
	for name, dir := range cases {
		t.Run(name, func(t *testing.T) {
			var logged bytes.Buffer
			rt, err := NewRuntime(context.Background(), Config{CacheDir: dir, Log: slog.New(slog.NewTextHandler(&logged, nil))})
			if err != nil {
				t.Fatalf("an unusable cache failed the runtime: %v", err)
			}
			defer rt.Close(context.Background())
			if rt.Config().CacheDir != "" {
				t.Errorf("cache dir %q; want none", rt.Config().CacheDir)
			}
			if out := logged.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, "compilation cache") || !strings.Contains(out, dir) {
				t.Errorf("warning %q; want one naming the compilation cache and %s", out, dir)
			}
			e := mustOpen(t, rt, exttest.WAT(t, watMSE), nil)
			pred, target := smallBatch(2)
			if _, err := e.Score(context.Background(), pred, target); err != nil {
				t.Errorf("scoring without a cache: %v", err)
			}
		})
	}
}

// A usable cache is kept, without a warning.
func TestUsableCompilationCacheIsKeptQuietly(t *testing.T) {
	var logged bytes.Buffer
	dir := filepath.Join(t.TempDir(), "dnw", "wazero")
	rt, err := NewRuntime(context.Background(), Config{CacheDir: dir, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	if rt.Config().CacheDir != dir || logged.Len() != 0 {
		t.Errorf("cache dir %q, logged %q; want %s and nothing", rt.Config().CacheDir, logged.String(), dir)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 || !entries[0].IsDir() {
		t.Errorf("cache dir holds %v (%v); want wazero's version directory alone, no probe left behind", entries, err)
	}
}
