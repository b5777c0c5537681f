package extensions

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"dnw/host/internal/extensions/exttest"
	"dnw/sdk/ext"
)

// BenchmarkMetric scores one batch of 16 predictions against their targets,
// 3×64×64, with each built-in metric: natively (host/internal/metrics, the
// reference), as a WASM extension through (*Extension).Score (encoding into the
// guest's memory, the call under the deadline, decoding), and the same module
// called the same way in a bare wazero runtime without CloseOnContextDone, so
// without the deadline check at every loop iteration of the guest:
//
//	go test ./host/internal/extensions -run '^$' -bench Metric -benchtime 20x
//
// docs/benchmarks.md, "WASM metric extensions: native Go against WASM", has the
// figures.
func BenchmarkMetric(b *testing.B) {
	ctx := context.Background()
	rt := testRuntime(b, Config{})
	rng := rand.New(rand.NewPCG(1, 2))
	target := randomBatch(rng, 16, 64)
	pred := nearBatch(rng, target, 0.5)
	for _, name := range []string{"psnr", "ssim", "l1", "frd"} {
		ref := referenceOf(b, name)
		b.Run(name+"/native", func(b *testing.B) {
			for b.Loop() {
				ref.native(pred, target)
			}
		})
		wasm := builtin(b, rt, name, nil)
		b.Run(name+"/wasm", func(b *testing.B) {
			if _, err := wasm.Score(ctx, pred, target); err != nil { // warm: the guest's heap grows once
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := wasm.Score(ctx, pred, target); err != nil {
					b.Fatal(err)
				}
			}
		})
		bare := bareInstance(b, filepath.Join(exttest.Builtins(b), name+".wasm"))
		b.Run(name+"/wasm-no-deadline", func(b *testing.B) {
			score := func() {
				body, err := bare.call(ctx, bare.mod.ExportedFunction(ext.ExportMetric), ext.MetricBatchSize(pred), func(dst []byte) error {
					_, err := ext.AppendMetricBatch(dst[:0], pred, target)
					return err
				})
				if err == nil {
					_, err = ext.DecodeScore(body)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			score()
			for b.Loop() {
				score()
			}
		})
	}
}

// bareInstance instantiates the module at path the way Open does, but in a
// wazero runtime of its own without WithCloseOnContextDone (the same memory cap):
// compiled without the deadline check (wazero's compilation cache keys modules by that setting
// too, so sharing the tests' cache is safe).
func bareInstance(b *testing.B, path string) *instance {
	ctx := context.Background()
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(os.TempDir(), "dnw-exttest-wazero-cache"))
	if err != nil {
		b.Fatal(err)
	}
	rc := wazero.NewRuntimeConfigCompiler().WithMemoryLimitPages(DefaultMemoryPages).WithCompilationCache(cache)
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	b.Cleanup(func() { rt.Close(ctx); cache.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	bin, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	mod, err := rt.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize"))
	if err != nil {
		b.Fatal(err)
	}
	in := &instance{mod: mod, out: &tail{max: 4096}}
	if err := in.configure(ctx, []byte("{}")); err != nil {
		b.Fatal(err)
	}
	return in
}
