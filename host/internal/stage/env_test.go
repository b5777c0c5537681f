package stage

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/runstore"
)

func draws(seed int64, stageName, stream string) []uint64 {
	c := config.Default()
	c.Experiment.Seed = seed
	env := &Env{Config: &c, stage: &Stage{Name: stageName}}
	src := env.Source(stream)
	out := make([]uint64, 4)
	for i := range out {
		out[i] = src.Uint64()
	}
	return out
}

func TestSource(t *testing.T) {
	base := draws(1, "fit", "batches")
	if !slices.Equal(base, draws(1, "fit", "batches")) {
		t.Fatal("same seed, stage and stream gave different numbers")
	}
	tests := []struct {
		name          string
		seed          int64
		stage, stream string
	}{
		{"other stream", 1, "fit", "init"},
		{"other stage", 1, "sample", "batches"},
		{"other seed", 2, "fit", "batches"},
		// The name and stream are joined with "/"; moving the slash must not collide.
		{"shifted separator", 1, "fit/batches", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := draws(tt.seed, tt.stage, tt.stream)
			if slices.Equal(got, base) {
				t.Errorf("%+v drew the same numbers as seed 1, fit, batches", tt)
			}
			for i := range got {
				if got[i] == base[i] {
					t.Errorf("draw %d equal to the base stream's: %d", i, got[i])
				}
			}
		})
	}
}

func TestSourceStateRestores(t *testing.T) {
	c := config.Default()
	env := &Env{Config: &c, stage: &Stage{Name: "s"}}
	a := env.Source("x")
	a.Uint64()
	state, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b := env.Source("x")
	if err := b.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if x, y := a.Uint64(), b.Uint64(); x != y {
			t.Fatalf("draw %d after restoring: %d != %d", i, x, y)
		}
	}
}

func TestInputUndeclaredPanics(t *testing.T) {
	env := &Env{stage: &Stage{Name: "b", Inputs: []string{"a/x"}}}
	defer func() {
		p := recover()
		msg, _ := p.(string)
		if !strings.Contains(msg, "b reads a/y without declaring it in Inputs") {
			t.Errorf("panic %v, want one naming b and a/y", p)
		}
	}()
	env.Input("a/y")
	t.Error("Input of an undeclared artifact did not panic")
}

func TestEnvPaths(t *testing.T) {
	h := newHarness(t)
	var dir, path, input string
	p := Pipeline{Name: "p", Stages: []Stage{
		{Name: "a", Outputs: []string{"x"}, Run: func(_ context.Context, env *Env) error {
			return env.WriteFile("x", []byte("x"))
		}},
		{Name: "b", Inputs: []string{"a/x"}, Run: func(_ context.Context, env *Env) error {
			dir, path, input = env.Dir(), env.Path("sub/f"), env.Input("a/x")
			return nil
		}},
		{Name: "c", Run: func(_ context.Context, env *Env) error {
			env.Input("a/x") // undeclared
			return nil
		}},
	}}
	err := h.execute(context.Background(), p)
	if dir != "stages/b" {
		t.Errorf("Dir = %q", dir)
	}
	if want := filepath.Join(h.dir, "stages", "b", "sub", "f"); path != want {
		t.Errorf("Path = %q, want %q", path, want)
	}
	if want := filepath.Join(h.dir, "stages", "a", "x"); input != want {
		t.Errorf("Input = %q, want %q", input, want)
	}
	// The undeclared read in c panics; the runner records it as c's failure.
	if err == nil || !strings.Contains(err.Error(), "c reads a/x without declaring it") {
		t.Errorf("Execute = %v, want c's undeclared read", err)
	}
	if rec := h.diskRecord("c"); rec.Status != runstore.Failed {
		t.Errorf("c: status %q, want failed", rec.Status)
	}
}

func TestEnvWrite(t *testing.T) {
	h := newHarness(t)
	boom := errors.New("boom")
	var fillErr error
	p := Pipeline{Name: "p", Stages: []Stage{{Name: "s", Outputs: []string{"a.txt", "sub/b.txt"},
		Run: func(_ context.Context, env *Env) error {
			if err := env.WriteFile("a.txt", []byte("first")); err != nil {
				return err
			}
			// A failed Write leaves the file as it was.
			fillErr = env.Write("a.txt", func(w io.Writer) error {
				io.WriteString(w, "half")
				return boom
			})
			return env.Write("sub/b.txt", func(w io.Writer) error {
				_, err := io.WriteString(w, "second")
				return err
			})
		}}}}
	h.mustExecute(p)
	if !errors.Is(fillErr, boom) {
		t.Errorf("Write with a failing fill = %v, want boom", fillErr)
	}
	if got := h.read("stages/s/a.txt"); got != "first" {
		t.Errorf("a.txt = %q after a failed Write, want %q", got, "first")
	}
	if got := h.read("stages/s/sub/b.txt"); got != "second" {
		t.Errorf("sub/b.txt = %q", got)
	}
	arts := h.record("s").Artifacts
	var paths []string
	for _, a := range arts {
		paths = append(paths, a.Path)
	}
	if want := []string{"stages/s/a.txt", "stages/s/sub/b.txt"}; !slices.Equal(paths, want) {
		t.Errorf("artifacts %v, want %v (no temporary files)", paths, want)
	}
	entries, _ := os.ReadDir(h.path("stages/s"))
	if len(entries) != 2 {
		t.Errorf("stages/s holds %d entries, want 2", len(entries))
	}
}
