package extensions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"dnw/sdk/ext"
)

// Defaults of Config, the values experiments get unless [extensions] says otherwise.
const (
	// DefaultMemoryPages caps a module's memory at 256 MiB (64 KiB pages): a
	// batch of 64 image pairs at 64×64 is 6 MiB, and a Go guest's runtime and heap
	// take a few times its input.
	DefaultMemoryPages = 4096
	// DefaultDeadline bounds one call. The slowest built-in, frd, takes well under a
	// second on a batch of 64 at 64×64 (docs/benchmarks.md); a call that runs far
	// longer is stuck.
	DefaultDeadline = 30 * time.Second
)

// Config sets up the sandbox.
type Config struct {
	CacheDir    string        // on-disk compilation cache; "" compiles in memory every time
	Log         *slog.Logger  // where warnings go (an unusable cache); nil means slog.Default()
	MemoryPages uint32        // memory cap per instance in 64 KiB pages; 0 means DefaultMemoryPages
	Deadline    time.Duration // wall-clock limit per call; 0 means DefaultDeadline
	ReadOnlyDir string        // a directory every module may read, mounted at /data; "" grants none
}

// Runtime compiles and runs extensions. It is safe for concurrent use.
type Runtime struct {
	rt   wazero.Runtime
	cfg  Config
	data *os.Root        // Config.ReadOnlyDir, opened; nil when none is granted
	fs   wazero.FSConfig // what every instance sees of it; nil when none is granted
}

// NewRuntime starts a runtime with WASI preview 1 (what Go's wasip1 guests import;
// with no files, network or clock configured it grants nothing).
func NewRuntime(ctx context.Context, cfg Config) (*Runtime, error) {
	if cfg.MemoryPages == 0 {
		cfg.MemoryPages = DefaultMemoryPages
	}
	if cfg.Deadline == 0 {
		cfg.Deadline = DefaultDeadline
	}
	rc := wazero.NewRuntimeConfigCompiler().
		WithMemoryLimitPages(cfg.MemoryPages).
		WithCloseOnContextDone(true)
	if cfg.CacheDir != "" {
		// The cache saves time, nothing else: one the account cannot use (a
		// $HOME/.cache it may not read) must not fail every run.
		if cache, err := openCache(cfg.CacheDir); err != nil {
			log := cfg.Log
			if log == nil {
				log = slog.Default()
			}
			log.Warn("extensions: compilation cache unusable; compiling every module anew (seconds each)",
				"dir", cfg.CacheDir, "err", err)
			cfg.CacheDir = ""
		} else {
			rc = rc.WithCompilationCache(cache)
		}
	}
	r := &Runtime{cfg: cfg}
	if cfg.ReadOnlyDir != "" {
		// Mounted through an os.Root, so that a symbolic link in the directory
		// cannot lead a guest out of it: wazero's own directory mounts follow links
		// anywhere on the host.
		data, err := os.OpenRoot(cfg.ReadOnlyDir)
		if err != nil {
			return nil, fmt.Errorf("extensions: the read-only directory: %w", err)
		}
		r.data = data
		r.fs = wazero.NewFSConfig().(sysfs.FSConfig).
			WithSysFSMount(&sysfs.ReadFS{FS: &sysfs.AdaptFS{FS: data.FS()}}, "/data")
	}
	r.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r.rt); err != nil {
		r.Close(ctx)
		return nil, fmt.Errorf("extensions: WASI: %w", err)
	}
	return r, nil
}

// openCache opens the compilation cache in dir and checks that files can be
// created and read in it and in the directories wazero keeps there: wazero itself
// finds out only when it compiles a module, and then fails the compilation.
func openCache(dir string) (wazero.CompilationCache, error) {
	cache, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil, err
	}
	versions, err := filepath.Glob(filepath.Join(dir, "wazero-*"))
	if err != nil {
		return nil, err
	}
	for _, d := range append([]string{dir}, versions...) {
		if err := probe(d); err != nil {
			cache.Close(context.Background())
			return nil, err
		}
	}
	return cache, nil
}

// probe creates, reads back and removes a file in dir.
func probe(dir string) error {
	f, err := os.CreateTemp(dir, ".dnw-probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	defer os.Remove(name)
	_, err = f.WriteString("probe")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		_, err = os.ReadFile(name)
	}
	return err
}

// Config is the runtime's configuration, defaults filled in.
func (r *Runtime) Config() Config { return r.cfg }

// Close closes the runtime and every extension opened from it.
func (r *Runtime) Close(ctx context.Context) error {
	err := r.rt.Close(ctx)
	if r.data != nil {
		r.data.Close()
	}
	return err
}

// Open compiles the module at path, reads and checks its metadata, validates
// options (a JSON object; nil for none) against its options schema, and returns
// the extension ready to call.
func (r *Runtime) Open(ctx context.Context, path string, options map[string]any) (*Extension, error) {
	bin, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("extension %s: %w", path, err)
	}
	sum := sha256.Sum256(bin)
	e := &Extension{Path: path, Checksum: hex.EncodeToString(sum[:]), rt: r,
		idle: make(chan *instance, runtime.GOMAXPROCS(0))}
	start := time.Now()
	if e.mod, err = r.rt.CompileModule(ctx, bin); err != nil {
		return nil, fmt.Errorf("extension %s: compiling: %w", path, err)
	}
	e.CompileTime = time.Since(start)
	if e.options, err = json.Marshal(options); err != nil || options == nil {
		e.options = []byte("{}")
	}
	if err := e.checkExports(); err != nil {
		return nil, e.errorf("%w", err)
	}
	in, err := e.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	if err := e.setUp(ctx, in, options); err != nil {
		in.close()
		e.mod.Close(ctx)
		return nil, err
	}
	e.put(in)
	return e, nil
}

// requiredExports are the functions every module exports (ABI.md, "Exports").
var requiredExports = []string{ext.ExportABIVersion, ext.ExportInfo, ext.ExportAlloc, ext.ExportFree, ext.ExportConfigure}

// setUp reads the metadata from the first instance, checks it, validates the
// options against its schema and configures the instance.
func (e *Extension) setUp(ctx context.Context, in *instance, options map[string]any) error {
	ctx, cancel := context.WithTimeout(ctx, e.rt.cfg.Deadline)
	defer cancel()
	info, err := in.info(ctx)
	if err != nil {
		return e.describe(ctx, err, in)
	}
	if err := info.Check(); err != nil {
		return e.errorf("%w: metadata: %v", ErrProtocol, err)
	}
	e.Info = info
	if err := validateOptions(info, options); err != nil {
		return e.errorf("%w", err)
	}
	if err := in.configure(ctx, e.options); err != nil {
		return e.describe(ctx, err, in)
	}
	return nil
}
