package stage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dnw/host/internal/config"
	"dnw/host/internal/progress"
	"dnw/host/internal/runstore"
)

// harness is one run directory with its config, as a dnw session sees it.
type harness struct {
	t   *testing.T
	dir string
	cfg *config.Config
	run *runstore.Run
	log bytes.Buffer
	now func() time.Time // the Runner's clock; nil means time.Now
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	c := config.Default()
	c.Experiment.Name = "t"
	h := &harness{t: t, dir: t.TempDir(), cfg: &c}
	h.open()
	t.Cleanup(func() { h.run.Close() })
	return h
}

func (h *harness) open() {
	h.t.Helper()
	run, err := runstore.Open(h.dir)
	if err != nil {
		h.t.Fatal(err)
	}
	if run.Manifest == nil {
		run.Manifest = &runstore.Manifest{Format: runstore.ManifestFormat}
	}
	h.run = run
}

// reopen closes the run and opens it again, as a new session would: the manifest then
// comes from disk.
func (h *harness) reopen() {
	h.t.Helper()
	if err := h.run.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

func (h *harness) runner() *Runner {
	log := slog.New(slog.NewTextHandler(&h.log, nil))
	return &Runner{
		Run: h.run, Config: h.cfg, Log: log,
		Progress: progress.New(io.Discard, progress.Options{Logger: log}),
		Now:      h.now,
	}
}

func (h *harness) execute(ctx context.Context, p Pipeline) error {
	return h.runner().Execute(ctx, p)
}

func (h *harness) mustExecute(p Pipeline) {
	h.t.Helper()
	if err := h.execute(context.Background(), p); err != nil {
		h.t.Fatalf("Execute: %v\nlog:\n%s", err, h.log.String())
	}
}

// record returns the named stage's record, or nil if the manifest has none.
func (h *harness) record(name string) *runstore.StageRecord {
	for _, s := range h.run.Manifest.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// diskRecord returns the named stage's record as saved in manifest.json.
func (h *harness) diskRecord(name string) *runstore.StageRecord {
	h.t.Helper()
	m, err := runstore.ReadManifest(h.dir)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, s := range m.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func (h *harness) path(rel string) string { return filepath.Join(h.dir, filepath.FromSlash(rel)) }

func (h *harness) read(rel string) string {
	h.t.Helper()
	data, err := os.ReadFile(h.path(rel))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(data)
}

func (h *harness) exists(rel string) bool {
	_, err := os.Stat(h.path(rel))
	return err == nil
}

// counts records how often each test stage ran, and in which order.
type counts struct {
	runs  map[string]int
	order []string
}

func newCounts() *counts { return &counts{runs: map[string]int{}} }

func (c *counts) hit(name string) {
	c.runs[name]++
	c.order = append(c.order, name)
}

// textStage writes out.txt: what produce returns followed by the contents of its inputs.
func textStage(c *counts, name string, keys, inputs []string, produce func(env *Env) string) Stage {
	return Stage{Name: name, Keys: keys, Inputs: inputs, Outputs: []string{"out.txt"},
		Run: func(ctx context.Context, env *Env) error {
			c.hit(name)
			var b strings.Builder
			b.WriteString(produce(env))
			for _, in := range inputs {
				data, err := os.ReadFile(env.Input(in))
				if err != nil {
					return err
				}
				b.Write(data)
			}
			return env.WriteFile("out.txt", []byte(b.String()))
		}}
}

// diamond is a -> b -> c, and a -> d:
//
//	a: keys selftest.samples (in its output) and selftest.lr (declared, ignored);
//	   draws one number from its seeded stream
//	b: key selftest.dim, reads a
//	c: no keys, reads b
//	d: no keys, reads a
func diamond(c *counts) Pipeline {
	return Pipeline{Name: "diamond", Stages: []Stage{
		textStage(c, "a", []string{"selftest.samples", "selftest.lr"}, nil, func(env *Env) string {
			return fmt.Sprintf("a samples=%d draw=%d\n", env.Config.Selftest.Samples, rand.New(env.Source("x")).Uint64())
		}),
		textStage(c, "b", []string{"selftest.dim"}, []string{"a/out.txt"}, func(env *Env) string {
			return fmt.Sprintf("b dim=%d\n", env.Config.Selftest.Dim)
		}),
		textStage(c, "c", nil, []string{"b/out.txt"}, func(*Env) string { return "c\n" }),
		textStage(c, "d", nil, []string{"a/out.txt"}, func(*Env) string { return "d\n" }),
	}}
}
