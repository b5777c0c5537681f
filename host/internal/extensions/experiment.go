package extensions

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"dnw/host/internal/config"
	"dnw/host/internal/runstore"
	"dnw/sdk/ext"
)

// Use is one extension an experiment names.
type Use struct {
	Key     string // the key naming it: "metrics.primary", "filters.pairs", ...
	Ref     string // as written: a built-in's name or a path
	Kind    string // what that key expects: ext.KindMetric or ext.KindFilter
	Records string // for a filter, the records of its hook
}

// Uses lists the extensions an experiment names, in schema order.
func Uses(c *config.Config) []Use {
	uses := []Use{{Key: "metrics.primary", Ref: c.Metrics.Primary, Kind: ext.KindMetric}}
	for _, ref := range c.Metrics.Extra {
		uses = append(uses, Use{Key: "metrics.extra", Ref: ref, Kind: ext.KindMetric})
	}
	for _, hook := range []struct {
		key, records string
		refs         []string
	}{
		{"filters.checkpoints", ext.RecordsCheckpoints, c.Filters.Checkpoints},
		{"filters.concepts", ext.RecordsConcepts, c.Filters.Concepts},
		{"filters.pairs", ext.RecordsPairs, c.Filters.Pairs},
	} {
		for _, ref := range hook.refs {
			uses = append(uses, Use{Key: hook.key, Ref: ref, Kind: ext.KindFilter, Records: hook.records})
		}
	}
	return uses
}

// OptionsName is the name extensions.options keys an extension by: a built-in's
// name, or a path's file name without .wasm.
func OptionsName(ref string) string {
	return strings.TrimSuffix(filepath.Base(ref), ".wasm")
}

// SandboxConfig is the runtime configuration an experiment asks for, with the
// compilation cache in the user's cache directory (dnw/wazero).
func SandboxConfig(c config.Extensions) Config {
	cfg := Config{MemoryPages: uint32(c.MemoryPages), Deadline: c.Deadline.Duration, ReadOnlyDir: c.ReadOnlyDir}
	if dir, err := os.UserCacheDir(); err == nil {
		cfg.CacheDir = filepath.Join(dir, "dnw", "wazero")
	}
	return cfg
}

// Set opens the extensions an experiment names, each once per process, with the
// experiment's sandbox and options. It is safe for concurrent use.
type Set struct {
	Log *slog.Logger // where the runtime's warnings go; nil means slog.Default()

	cfg     Config
	options map[string]any

	mu   sync.Mutex
	rt   *Runtime
	open map[string]*Extension
}

// NewSet prepares a set for an experiment; nothing starts until Open.
func NewSet(c *config.Config) *Set {
	return &Set{cfg: SandboxConfig(c.Extensions), options: c.Extensions.Options, open: map[string]*Extension{}}
}

// Open returns the extension ref names, opening it on first use.
func (s *Set) Open(ctx context.Context, ref string) (*Extension, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.open[ref]; ok {
		return e, nil
	}
	if s.rt == nil {
		cfg := s.cfg
		cfg.Log = s.Log
		rt, err := NewRuntime(ctx, cfg)
		if err != nil {
			return nil, err
		}
		s.rt = rt
	}
	path, err := Resolve(ref)
	if err != nil {
		return nil, err
	}
	opts, _ := s.options[OptionsName(ref)].(map[string]any)
	e, err := s.rt.Open(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	s.open[ref] = e
	return e, nil
}

// Close closes every extension and the runtime.
func (s *Set) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open = map[string]*Extension{}
	if s.rt == nil {
		return nil
	}
	err := s.rt.Close(ctx)
	s.rt = nil
	return err
}

// CheckExperiment opens every extension the experiment names and checks that it is
// of the kind its key expects and that its options match its schema; it returns
// the extensions for the run's manifest. Problems are config.Errors that name the
// file, line and key, like any other mistake in an experiment file.
func (s *Set) CheckExperiment(ctx context.Context, r *config.Resolved) ([]runstore.Extension, error) {
	var records []runstore.Extension
	var errs config.Errors
	fail := func(key, format string, args ...any) { errs = append(errs, r.Errorf(key, format, args...)) }
	named := map[string]bool{}
	for _, u := range Uses(&r.Config) {
		named[OptionsName(u.Ref)] = true
		e, err := s.Open(ctx, u.Ref)
		switch {
		case errors.Is(err, ErrOptions):
			fail("extensions.options."+toml.Key{OptionsName(u.Ref)}.String(), "%v", err)
		case err != nil:
			fail(u.Key, "%v", err)
		case e.Info.Kind != u.Kind:
			fail(u.Key, "%s is a %s extension, not a %s", u.Ref, e.Info.Kind, u.Kind)
		case u.Kind == ext.KindFilter && e.Info.Records != u.Records:
			fail(u.Key, "%s filters %s, but this hook passes %s", u.Ref, e.Info.Records, u.Records)
		default:
			records = append(records, runstore.Extension{Key: u.Key, Ref: u.Ref, Name: e.Info.Name, Version: e.Info.Version, SHA256: e.Checksum})
		}
	}
	for name := range r.Config.Extensions.Options {
		if !named[name] {
			fail("extensions.options."+toml.Key{name}.String(), "options for %s, which this experiment does not use", name)
		}
	}
	if len(errs) == 0 {
		return records, nil
	}
	return nil, errs
}
