package stage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"dnw/host/internal/config"
	"dnw/host/internal/runstore"
)

// wantArtifacts lists the files of stages/NAME as the manifest should record them,
// computed independently of runstore.Artifacts.
func wantArtifacts(t *testing.T, h *harness, name string) []runstore.Artifact {
	t.Helper()
	var out []runstore.Artifact
	root := h.path("stages/" + name)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(h.dir, p)
		sum := sha256.Sum256(data)
		out = append(out, runstore.Artifact{Path: filepath.ToSlash(rel), Bytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func checkpointFiles(t *testing.T, h *harness) []string {
	t.Helper()
	entries, err := os.ReadDir(h.path("checkpoints"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFreshRunExecutesAllStages(t *testing.T) {
	h := newHarness(t)
	clock := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	var ticks []time.Time
	h.now = func() time.Time {
		clock = clock.Add(time.Minute)
		ticks = append(ticks, clock)
		return clock
	}
	c := newCounts()
	sum := &sumStage{c: c}
	p := diamond(c)
	p.Stages = append(p.Stages, sum.stage())
	h.mustExecute(p)

	if want := []string{"a", "b", "c", "d", "sum"}; !slices.Equal(c.order, want) {
		t.Errorf("ran %v, want %v", c.order, want)
	}
	if len(h.run.Manifest.Stages) != len(p.Stages) {
		t.Errorf("manifest has %d stage records, want %d", len(h.run.Manifest.Stages), len(p.Stages))
	}
	for i, s := range p.Stages {
		rec := h.record(s.Name)
		if rec == nil {
			t.Errorf("no record for stage %s", s.Name)
			continue
		}
		if rec.Status != runstore.Done || rec.Error != "" {
			t.Errorf("%s: status %q error %q, want done", s.Name, rec.Status, rec.Error)
		}
		if len(rec.Fingerprint) != 64 {
			t.Errorf("%s: fingerprint %q is not a SHA-256", s.Name, rec.Fingerprint)
		}
		// Each stage took two readings of the Runner's clock: start, then end.
		if rec.Started == nil || rec.Ended == nil || !rec.Started.Equal(ticks[2*i]) || !rec.Ended.Equal(ticks[2*i+1]) {
			t.Errorf("%s: started %v ended %v, want %v and %v from Runner.Now", s.Name, rec.Started, rec.Ended, ticks[2*i], ticks[2*i+1])
		}
		want := wantArtifacts(t, h, s.Name)
		if len(want) == 0 {
			t.Errorf("%s: wrote no files", s.Name)
		}
		if !reflect.DeepEqual(rec.Artifacts, want) {
			t.Errorf("%s: artifacts %+v, want %+v", s.Name, rec.Artifacts, want)
		}
		for _, out := range s.Outputs {
			if !slices.ContainsFunc(rec.Artifacts, func(a runstore.Artifact) bool { return a.Path == "stages/"+s.Name+"/"+out }) {
				t.Errorf("%s: declared output %s not among the artifacts", s.Name, out)
			}
		}
	}
	if got := h.read("stages/c/out.txt"); !strings.HasPrefix(got, "c\nb dim=16\na samples=4096 draw=") {
		t.Errorf("c/out.txt = %q: did not chain its inputs", got)
	}
	if files := checkpointFiles(t, h); len(files) != 0 {
		t.Errorf("checkpoints left after a complete run: %v", files)
	}
	if !sum.saved {
		t.Error("the sum stage never saved a checkpoint; the test is not checking their removal")
	}

	// What is on disk is what is in memory.
	m, err := runstore.ReadManifest(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Stages, h.run.Manifest.Stages) {
		t.Errorf("manifest.json stages differ from memory:\n%+v\n%+v", m.Stages, h.run.Manifest.Stages)
	}
}

func TestSecondExecuteRunsNothing(t *testing.T) {
	for _, reopen := range []bool{false, true} {
		t.Run(fmt.Sprintf("reopen=%v", reopen), func(t *testing.T) {
			h := newHarness(t)
			c := newCounts()
			sum := &sumStage{c: c}
			p := diamond(c)
			p.Stages = append(p.Stages, sum.stage())
			h.mustExecute(p)
			before := maps.Clone(c.runs)
			outputs := map[string]string{}
			for _, s := range p.Stages {
				outputs[s.Name] = fmt.Sprint(h.record(s.Name).Artifacts)
			}
			if reopen {
				h.reopen()
			}
			h.log.Reset()
			h.mustExecute(p)
			if !maps.Equal(c.runs, before) {
				t.Errorf("runs %v after a second Execute, want %v", c.runs, before)
			}
			for _, s := range p.Stages {
				rec := h.record(s.Name)
				if rec.Status != runstore.Done || fmt.Sprint(rec.Artifacts) != outputs[s.Name] {
					t.Errorf("%s: record changed: %+v", s.Name, rec)
				}
			}
			if n := strings.Count(h.log.String(), "stage up to date"); n != len(p.Stages) {
				t.Errorf("%d 'stage up to date' lines, want %d:\n%s", n, len(p.Stages), h.log.String())
			}
		})
	}
}

func TestConfigChangesRerunDependents(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *config.Config)
		rerun  []string
	}{
		{"nothing", func(*config.Config) {}, nil},
		{"key only b declares", func(c *config.Config) { c.Selftest.Dim = 3 }, []string{"b", "c"}},
		{"key no stage declares", func(c *config.Config) { c.Selftest.Steps = 7 }, nil},
		{"other section", func(c *config.Config) { c.Base.LR = 0.5 }, nil},
		{"experiment name", func(c *config.Config) { c.Experiment.Name = "other" }, nil},
		{"seed", func(c *config.Config) { c.Experiment.Seed = 99 }, []string{"a", "b", "c", "d"}},
		// a declares lr but its output does not depend on it: a reruns, writes the
		// same bytes, and nothing downstream reruns.
		{"upstream key, identical output", func(c *config.Config) { c.Selftest.LR = 0.5 }, []string{"a"}},
		{"upstream key, different output", func(c *config.Config) { c.Selftest.Samples = 5 }, []string{"a", "b", "c", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			c := newCounts()
			p := diamond(c)
			h.mustExecute(p)

			tt.change(h.cfg)
			h.reopen()
			c.runs, c.order = map[string]int{}, nil
			h.mustExecute(p)
			if !slices.Equal(c.order, tt.rerun) {
				t.Errorf("reran %v, want %v", c.order, tt.rerun)
			}
			for _, s := range p.Stages {
				if rec := h.record(s.Name); rec.Status != runstore.Done {
					t.Errorf("%s: status %s", s.Name, rec.Status)
				}
			}
			// Outputs follow the new config.
			cfg := h.cfg.Selftest
			if got := h.read("stages/b/out.txt"); !strings.HasPrefix(got, fmt.Sprintf("b dim=%d\na samples=%d ", cfg.Dim, cfg.Samples)) {
				t.Errorf("b/out.txt = %q, stale for dim=%d samples=%d", got, cfg.Dim, cfg.Samples)
			}
			if len(tt.rerun) > 0 && !strings.Contains(h.log.String(), "its config keys, inputs or data files changed") {
				t.Errorf("log does not say why stages reran:\n%s", h.log.String())
			}

			// Settled: a third Execute runs nothing.
			c.order = nil
			h.mustExecute(p)
			if len(c.order) != 0 {
				t.Errorf("third Execute reran %v", c.order)
			}
		})
	}
}

func TestDamagedArtifactReruns(t *testing.T) {
	tests := []struct {
		name   string
		damage func(h *harness)
		rerun  []string
	}{
		{"modified upstream", func(h *harness) { appendTo(h, "stages/a/out.txt", "tampered") }, []string{"a"}},
		{"modified middle", func(h *harness) { h.writeRel("stages/b/out.txt", "xxxx") }, []string{"b"}},
		{"deleted leaf", func(h *harness) { h.remove("stages/d/out.txt") }, []string{"d"}},
		{"deleted stage dir", func(h *harness) { h.remove("stages/c") }, []string{"c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			c := newCounts()
			p := diamond(c)
			h.mustExecute(p)
			orig := map[string]string{}
			for _, s := range p.Stages {
				orig[s.Name] = h.read("stages/" + s.Name + "/out.txt")
			}

			tt.damage(h)
			c.order = nil
			h.log.Reset()
			h.mustExecute(p)
			if !slices.Equal(c.order, tt.rerun) {
				t.Errorf("reran %v, want %v", c.order, tt.rerun)
			}
			if !strings.Contains(h.log.String(), "is missing or was modified") {
				t.Errorf("log does not say an artifact was damaged:\n%s", h.log.String())
			}
			for _, s := range p.Stages {
				if got := h.read("stages/" + s.Name + "/out.txt"); got != orig[s.Name] {
					t.Errorf("%s/out.txt = %q after the rerun, want %q", s.Name, got, orig[s.Name])
				}
				rec := h.record(s.Name)
				if rec.Status != runstore.Done || !reflect.DeepEqual(rec.Artifacts, wantArtifacts(t, h, s.Name)) {
					t.Errorf("%s: record %+v does not match the files", s.Name, rec)
				}
			}
		})
	}
}

func appendTo(h *harness, rel, data string) {
	h.t.Helper()
	f, err := os.OpenFile(h.path(rel), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) writeRel(rel, data string) {
	h.t.Helper()
	if err := os.WriteFile(h.path(rel), []byte(data), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) remove(rel string) {
	h.t.Helper()
	if err := os.RemoveAll(h.path(rel)); err != nil {
		h.t.Fatal(err)
	}
}

func TestFailingStage(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		fail    func() error
		wantErr []string
		isBoom  bool
	}{
		{"error", func() error { return boom }, []string{"stage b", "boom"}, true},
		{"wrapped error", func() error { return fmt.Errorf("step 3: %w", boom) }, []string{"stage b", "step 3: boom"}, true},
		{"panic", func() error { panic("kaboom") }, []string{"stage b", "panic: kaboom"}, false},
		{"nil map panic", func() error {
			var m map[string]int
			m["x"] = 1
			return nil
		}, []string{"stage b", "panic:", "nil map"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			c := newCounts()
			broken := true
			p := Pipeline{Name: "p", Stages: []Stage{
				textStage(c, "a", nil, nil, func(*Env) string { return "a\n" }),
				{Name: "b", Inputs: []string{"a/out.txt"}, Outputs: []string{"out.txt"},
					Run: func(ctx context.Context, env *Env) error {
						c.hit("b")
						if err := env.WriteFile("partial.txt", []byte("half")); err != nil {
							return err
						}
						if broken {
							return tt.fail()
						}
						return env.WriteFile("out.txt", []byte("b\n"))
					}},
				textStage(c, "c", nil, []string{"b/out.txt"}, func(*Env) string { return "c\n" }),
			}}

			err := h.execute(context.Background(), p)
			if err == nil {
				t.Fatal("Execute succeeded with a failing stage")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tt.isBoom && !errors.Is(err, boom) {
				t.Errorf("error %v does not wrap the stage's error", err)
			}
			if errors.Is(err, context.Canceled) {
				t.Errorf("error %v claims an interruption", err)
			}
			if !slices.Equal(c.order, []string{"a", "b"}) {
				t.Errorf("ran %v, want [a b]: nothing after the failure", c.order)
			}
			if h.record("c") != nil {
				t.Errorf("stage c has a record after b failed: %+v", h.record("c"))
			}
			for _, rec := range []*runstore.StageRecord{h.record("b"), h.diskRecord("b")} {
				if rec.Status != runstore.Failed {
					t.Errorf("b: status %q, want failed", rec.Status)
				}
				for _, w := range tt.wantErr[1:] {
					if !strings.Contains(rec.Error, w) {
						t.Errorf("b: recorded error %q does not contain %q", rec.Error, w)
					}
				}
				if rec.Ended == nil || len(rec.Artifacts) != 0 {
					t.Errorf("b: ended %v artifacts %v, want an end time and no artifacts", rec.Ended, rec.Artifacts)
				}
			}
			if a := h.diskRecord("a"); a.Status != runstore.Done {
				t.Errorf("a: status %q on disk, want done", a.Status)
			}

			// Once fixed, b starts afresh (no checkpoint) and c runs; a is not redone.
			broken = false
			c.order = nil
			h.reopen()
			h.mustExecute(p)
			if !slices.Equal(c.order, []string{"b", "c"}) {
				t.Errorf("after the fix ran %v, want [b c]", c.order)
			}
			if rec := h.record("b"); rec.Status != runstore.Done || rec.Error != "" {
				t.Errorf("b after the fix: %+v", rec)
			}
		})
	}
}

func TestInterruptedStage(t *testing.T) {
	tests := []struct {
		name   string
		result func(ctx context.Context) error
		status string
	}{
		{"returns ctx.Err", func(ctx context.Context) error { return ctx.Err() }, runstore.Interrupted},
		{"wraps ctx.Err", func(ctx context.Context) error { return fmt.Errorf("at step 5: %w", ctx.Err()) }, runstore.Interrupted},
		{"other error after cancel", func(context.Context) error { return errors.New("disk full") }, runstore.Failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			c := newCounts()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			p := Pipeline{Name: "p", Stages: []Stage{
				{Name: "a", Run: func(context.Context, *Env) error {
					c.hit("a")
					cancel()
					return tt.result(ctx)
				}},
				{Name: "b", Run: func(context.Context, *Env) error { c.hit("b"); return nil }},
			}}
			err := h.execute(ctx, p)
			if err == nil || !strings.Contains(err.Error(), "stage a") {
				t.Fatalf("Execute = %v, want an error naming stage a", err)
			}
			if got := errors.Is(err, context.Canceled); got != (tt.status == runstore.Interrupted) {
				t.Errorf("errors.Is(%v, context.Canceled) = %v", err, got)
			}
			if rec := h.diskRecord("a"); rec.Status != tt.status || rec.Error == "" {
				t.Errorf("a: status %q error %q, want %s with the error", rec.Status, rec.Error, tt.status)
			}
			if c.runs["b"] != 0 || h.record("b") != nil {
				t.Error("stage b ran after a was stopped")
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	t.Run("before the first stage", func(t *testing.T) {
		h := newHarness(t)
		c := newCounts()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := h.execute(ctx, diamond(c))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Execute = %v, want context.Canceled", err)
		}
		if len(c.order) != 0 || len(h.run.Manifest.Stages) != 0 {
			t.Errorf("ran %v, records %v; want nothing", c.order, h.run.Manifest.Stages)
		}
	})
	t.Run("stage completes despite cancel", func(t *testing.T) {
		h := newHarness(t)
		c := newCounts()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p := Pipeline{Name: "p", Stages: []Stage{
			textStage(c, "a", nil, nil, func(*Env) string { cancel(); return "a\n" }),
			textStage(c, "b", nil, []string{"a/out.txt"}, func(*Env) string { return "b\n" }),
		}}
		err := h.execute(ctx, p)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Execute = %v, want context.Canceled", err)
		}
		if rec := h.diskRecord("a"); rec.Status != runstore.Done {
			t.Errorf("a finished its work but is %q", rec.Status)
		}
		if c.runs["b"] != 0 {
			t.Error("b started after the context was cancelled")
		}
		h.mustExecute(p)
		if !slices.Equal(c.order, []string{"a", "b"}) {
			t.Errorf("ran %v over both sessions, want [a b]", c.order)
		}
	})
}

func TestMissingDeclaredOutput(t *testing.T) {
	h := newHarness(t)
	c := newCounts()
	p := Pipeline{Name: "p", Stages: []Stage{
		{Name: "a", Outputs: []string{"x.txt", "y.txt"}, Run: func(_ context.Context, env *Env) error {
			c.hit("a")
			return env.WriteFile("x.txt", []byte("x"))
		}},
		{Name: "b", Inputs: []string{"a/y.txt"}, Run: func(context.Context, *Env) error { c.hit("b"); return nil }},
	}}
	err := h.execute(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "y.txt") || !strings.Contains(err.Error(), "stage a") {
		t.Fatalf("Execute = %v, want an error naming stage a and y.txt", err)
	}
	if strings.Contains(err.Error(), "x.txt") {
		t.Errorf("error %q names x.txt, which was written", err)
	}
	rec := h.diskRecord("a")
	if rec.Status != runstore.Failed || !strings.Contains(rec.Error, "did not write its declared output y.txt") {
		t.Errorf("a: status %q error %q", rec.Status, rec.Error)
	}
	if c.runs["b"] != 0 {
		t.Error("b ran")
	}
}

func TestLeftoverCheckpointOfDoneStageRemoved(t *testing.T) {
	h := newHarness(t)
	c := newCounts()
	p := diamond(c)
	h.mustExecute(p)
	// As if killed between saving the manifest and removing the checkpoint.
	if err := os.MkdirAll(h.path("checkpoints"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.writeRel("checkpoints/b.ckpt", "stale")
	c.order = nil
	h.mustExecute(p)
	if len(c.order) != 0 {
		t.Errorf("reran %v", c.order)
	}
	if h.exists("checkpoints/b.ckpt") {
		t.Error("leftover checkpoint of a done stage not removed")
	}
}

func TestCheck(t *testing.T) {
	run := func(context.Context, *Env) error { return nil }
	st := func(name string, inputs, outputs []string) Stage {
		return Stage{Name: name, Inputs: inputs, Outputs: outputs, Run: run}
	}
	tests := []struct {
		name   string
		stages []Stage
		want   []string // substrings of the error; nil: no error
		suffix string   // how the error ends, if it matters
	}{
		{"empty", nil, nil, ""},
		{"valid", []Stage{st("a", nil, []string{"x"}), st("b", []string{"a/x"}, []string{"y"}), st("c", []string{"a/x", "b/y"}, nil)}, nil, ""},
		{"duplicate", []Stage{st("a", nil, nil), st("b", nil, nil), st("a", nil, nil)}, []string{"two stages named a"}, ""},
		{"unknown input", []Stage{st("a", nil, []string{"x"}), st("b", []string{"a/z"}, nil)}, []string{"b reads a/z", "no earlier stage"}, ""},
		{"input of a later stage", []Stage{st("a", []string{"b/y"}, nil), st("b", nil, []string{"y"})}, []string{"a reads b/y"}, ""},
		{"own output", []Stage{st("a", []string{"a/x"}, []string{"x"})}, []string{"a reads a/x"}, ""},
		{"not implemented", []Stage{st("a", nil, nil), {Name: "b"}, st("c", nil, nil), {Name: "d"}},
			[]string{"not implemented"}, ": b, d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Pipeline{Name: "pipe", Stages: tt.stages}
			err := p.Check()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check accepted %+v", tt.stages)
			}
			for _, w := range append(tt.want, "pipe") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tt.suffix != "" && !strings.HasSuffix(err.Error(), tt.suffix) {
				t.Errorf("error %q does not end in %q", err, tt.suffix)
			}

			// Execute refuses the pipeline before running anything.
			ran := false
			for i := range p.Stages {
				if p.Stages[i].Run != nil {
					p.Stages[i].Run = func(context.Context, *Env) error { ran = true; return nil }
				}
			}
			h := newHarness(t)
			if xerr := h.execute(context.Background(), p); xerr == nil || xerr.Error() != err.Error() {
				t.Errorf("Execute = %v, want %v", xerr, err)
			}
			if ran || len(h.run.Manifest.Stages) != 0 {
				t.Error("Execute ran stages of an invalid pipeline")
			}
		})
	}
}

func TestUntilCutsAfterTheNamedStage(t *testing.T) {
	p := Pipeline{Name: "pipe", Stages: []Stage{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	cut, err := p.Until("b")
	if err != nil || len(cut.Stages) != 2 || cut.Stages[1].Name != "b" || cut.Name != "pipe" {
		t.Errorf("Until(b) = %+v, %v", cut, err)
	}
	if _, err := p.Until("z"); err == nil || !strings.Contains(err.Error(), `no stage "z" (its stages: a, b, c)`) {
		t.Errorf("Until(z): %v", err)
	}
}
