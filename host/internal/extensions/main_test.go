package extensions

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"dnw/host/internal/extensions/exttest"
)

// testRuntime is a runtime with a compilation cache shared by the package's tests
// (and, through the temporary directory, by later runs of them).
func testRuntime(t testing.TB, cfg Config) *Runtime {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = filepath.Join(os.TempDir(), "dnw-exttest-wazero-cache")
	}
	rt, err := NewRuntime(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	return rt
}

// builtin opens a built-in extension.
func builtin(t testing.TB, rt *Runtime, name string, options map[string]any) *Extension {
	t.Helper()
	e, err := rt.Open(context.Background(), filepath.Join(exttest.Builtins(t), name+".wasm"), options)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
