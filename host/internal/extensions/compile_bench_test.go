package extensions

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"

	"dnw/host/internal/extensions/exttest"
)

// BenchmarkCompile compiles a built-in Go guest (psnr.wasm, ~2 MB) to machine code,
// as a run does once per extension: cold, and from a warm on-disk compilation cache
// (what Config.CacheDir gives, doc.go):
//
//	go test ./host/internal/extensions -run '^$' -bench Compile -benchtime 3x
//
// docs/dependencies.md has the figures.
func BenchmarkCompile(b *testing.B) {
	ctx := context.Background()
	wasm, err := os.ReadFile(filepath.Join(exttest.Builtins(b), "psnr.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	compile := func(b *testing.B, cache wazero.CompilationCache) {
		cfg := wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(true)
		if cache != nil {
			cfg = cfg.WithCompilationCache(cache)
		}
		rt := wazero.NewRuntimeWithConfig(ctx, cfg)
		defer rt.Close(ctx)
		if _, err := rt.CompileModule(ctx, wasm); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			compile(b, nil)
		}
	})
	b.Run("cached", func(b *testing.B) {
		cache, err := wazero.NewCompilationCacheWithDir(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer cache.Close(ctx)
		compile(b, cache) // fills the cache
		for b.Loop() {
			compile(b, cache)
		}
	})
}
