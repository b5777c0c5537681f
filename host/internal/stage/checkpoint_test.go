package stage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/runstore"
)

// sumState is what the sum stage needs to continue exactly where it stopped.
type sumState struct {
	Step int
	Acc  uint64
	RNG  []byte // rand.PCG state
}

// sumStage folds selftest.steps seeded draws into one number, checkpointing every
// selftest.checkpoint_every steps. It can be told to stop once, at step stopAt, in one
// of several ways.
type sumStage struct {
	c *counts

	stopAt int
	mode   string             // "fail", "cancel", "kill" or "" (never stop)
	cancel context.CancelFunc // for "cancel"
	halted bool

	saved     bool
	loaded    []bool // LoadCheckpoint's answer, per attempt
	firstStep []int  // step each attempt started at
}

func (s *sumStage) stage() Stage {
	return Stage{Name: "sum", Keys: []string{"selftest.steps", "selftest.checkpoint_every"},
		Outputs: []string{"sum.txt"}, Run: s.run}
}

func (s *sumStage) run(ctx context.Context, env *Env) error {
	s.c.hit("sum")
	attempt := s.c.runs["sum"]
	cfg := env.Config.Selftest
	src := env.Source("sum")
	var st sumState
	ok, err := env.LoadCheckpoint(&st)
	if err != nil {
		return err
	}
	s.loaded = append(s.loaded, ok)
	if ok {
		if err := src.UnmarshalBinary(st.RNG); err != nil {
			return err
		}
	}
	s.firstStep = append(s.firstStep, st.Step)
	// A file per attempt shows which attempts' files survive in stages/sum.
	if err := env.WriteFile(fmt.Sprintf("attempt%d.txt", attempt), []byte("x")); err != nil {
		return err
	}
	rng := rand.New(src)
	save := func() error {
		s.saved = true
		st.RNG, _ = src.MarshalBinary()
		return env.SaveCheckpoint(&st, int64(st.Step))
	}
	bar := env.Progress(int64(cfg.Steps), "steps", int64(st.Step))
	for st.Step < cfg.Steps {
		if st.Step == s.stopAt && s.mode != "" && !s.halted {
			s.halted = true
			switch s.mode {
			case "fail":
				return errors.New("injected failure")
			case "cancel":
				s.cancel()
			case "kill":
				runtime.Goexit() // the process dies: nothing after this runs
			}
		}
		if err := ctx.Err(); err != nil {
			if serr := save(); serr != nil {
				return serr
			}
			return err
		}
		st.Acc = st.Acc*31 + rng.Uint64()
		st.Step++
		bar.Set(int64(st.Step))
		if st.Step%cfg.CheckpointEvery == 0 || st.Step == cfg.Steps {
			if err := save(); err != nil {
				return err
			}
		}
	}
	return env.WriteFile("sum.txt", fmt.Appendf(nil, "%d %x\n", st.Step, st.Acc))
}

// sumPipeline is sum followed by a stage that reads its output.
func sumPipeline(s *sumStage) Pipeline {
	return Pipeline{Name: "sum", Stages: []Stage{
		s.stage(),
		textStage(s.c, "after", nil, []string{"sum/sum.txt"}, func(*Env) string { return "after\n" }),
	}}
}

func setSteps(c *config.Config) {
	c.Selftest.Steps = 10
	c.Selftest.CheckpointEvery = 3
}

// uninterrupted returns sum.txt of a run that nothing stops.
func uninterrupted(t *testing.T, change func(*config.Config)) string {
	t.Helper()
	h := newHarness(t)
	setSteps(h.cfg)
	change(h.cfg)
	s := &sumStage{c: newCounts()}
	h.mustExecute(sumPipeline(s))
	if !slices.Equal(s.firstStep, []int{0}) {
		t.Fatalf("uninterrupted run attempts started at %v", s.firstStep)
	}
	return h.read("stages/sum/sum.txt")
}

func TestResumeFromCheckpoint(t *testing.T) {
	want := uninterrupted(t, func(*config.Config) {})
	tests := []struct {
		mode      string
		status    string // of sum after the first attempt
		resumedAt int
	}{
		{"fail", runstore.Failed, 6},        // last periodic checkpoint before step 7
		{"cancel", runstore.Interrupted, 7}, // the stage saves one as it stops
		{"kill", runstore.Running, 6},       // the manifest still says running
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			h := newHarness(t)
			setSteps(h.cfg)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := &sumStage{c: newCounts(), stopAt: 7, mode: tt.mode, cancel: cancel}
			p := sumPipeline(s)

			// First attempt, stopped at step 7.
			if tt.mode == "kill" {
				done := make(chan struct{})
				go func() {
					defer close(done)
					h.execute(ctx, p)
					t.Error("Execute returned after its goroutine was killed")
				}()
				<-done
			} else {
				err := h.execute(ctx, p)
				if err == nil || !strings.Contains(err.Error(), "stage sum") {
					t.Fatalf("first attempt: Execute = %v, want an error naming sum", err)
				}
			}
			rec := h.diskRecord("sum")
			if rec.Status != tt.status {
				t.Errorf("after the first attempt sum is %q, want %q", rec.Status, tt.status)
			}
			wantProg := runstore.Progress{Done: int64(tt.resumedAt), Total: 10, Unit: "steps"}
			if rec.Progress == nil || *rec.Progress != wantProg {
				t.Errorf("progress after the first attempt = %+v, want %+v", rec.Progress, wantProg)
			}
			if !h.exists("checkpoints/sum.ckpt") {
				t.Fatal("no checkpoint after the first attempt")
			}
			if s.c.runs["after"] != 0 {
				t.Error("the downstream stage ran after sum stopped")
			}

			// Second attempt, in a new session.
			h.reopen()
			h.log.Reset()
			h.mustExecute(p)
			if !slices.Equal(s.loaded, []bool{false, true}) || !slices.Equal(s.firstStep, []int{0, tt.resumedAt}) {
				t.Errorf("attempts loaded %v and started at %v, want [false true] and [0 %d]", s.loaded, s.firstStep, tt.resumedAt)
			}
			if got := h.read("stages/sum/sum.txt"); got != want {
				t.Errorf("resumed result %q, uninterrupted %q", got, want)
			}
			for _, rec := range []*runstore.StageRecord{h.record("sum"), h.diskRecord("sum")} {
				if rec.Status != runstore.Done || rec.ResumedAt != int64(tt.resumedAt) {
					t.Errorf("sum: status %q resumed_at %d, want done and %d", rec.Status, rec.ResumedAt, tt.resumedAt)
				}
				if want := (runstore.Progress{Done: 10, Total: 10, Unit: "steps"}); rec.Progress == nil || *rec.Progress != want {
					t.Errorf("sum: progress %+v, want %+v", rec.Progress, want)
				}
				if !reflect.DeepEqual(rec.Artifacts, wantArtifacts(t, h, "sum")) {
					t.Errorf("sum: artifacts %+v do not match the files", rec.Artifacts)
				}
			}
			// A resumed stage keeps the files of the attempt it continues.
			for _, f := range []string{"attempt1.txt", "attempt2.txt"} {
				if !h.exists("stages/sum/" + f) {
					t.Errorf("stages/sum/%s missing after a resume", f)
				}
			}
			if !strings.Contains(h.log.String(), "resuming from checkpoint") {
				t.Errorf("log does not mention the resume:\n%s", h.log.String())
			}
			if h.exists("checkpoints/sum.ckpt") {
				t.Error("checkpoint left after the stage finished")
			}
			if s.c.runs["after"] != 1 {
				t.Errorf("downstream ran %d times, want 1", s.c.runs["after"])
			}
		})
	}
}

func TestCheckpointInvalidatedByFingerprint(t *testing.T) {
	tests := []struct {
		name   string
		change func(*config.Config)
		resume bool
	}{
		{"own key", func(c *config.Config) { c.Selftest.Steps = 12 }, false},
		{"seed", func(c *config.Config) { c.Experiment.Seed = 5 }, false},
		{"key it does not declare", func(c *config.Config) { c.Selftest.Dim = 2 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := uninterrupted(t, tt.change)
			h := newHarness(t)
			setSteps(h.cfg)
			s := &sumStage{c: newCounts(), stopAt: 7, mode: "fail"}
			p := sumPipeline(s)
			if err := h.execute(context.Background(), p); err == nil {
				t.Fatal("first attempt did not fail")
			}
			if !h.exists("checkpoints/sum.ckpt") || !h.exists("stages/sum/attempt1.txt") {
				t.Fatal("first attempt left no checkpoint or files")
			}

			tt.change(h.cfg)
			h.reopen()
			h.log.Reset()
			h.mustExecute(p)
			if got := h.read("stages/sum/sum.txt"); got != want {
				t.Errorf("result %q, want %q (an uninterrupted run with the new config)", got, want)
			}
			rec := h.record("sum")
			if tt.resume {
				if !slices.Equal(s.loaded, []bool{false, true}) || rec.ResumedAt != 6 || !h.exists("stages/sum/attempt1.txt") {
					t.Errorf("did not resume: loaded %v resumed_at %d", s.loaded, rec.ResumedAt)
				}
				return
			}
			if !slices.Equal(s.loaded, []bool{false, false}) || !slices.Equal(s.firstStep, []int{0, 0}) {
				t.Errorf("attempts loaded %v, started at %v; want a fresh start", s.loaded, s.firstStep)
			}
			if rec.ResumedAt != 0 || rec.Status != runstore.Done {
				t.Errorf("sum: status %q resumed_at %d, want done and 0", rec.Status, rec.ResumedAt)
			}
			if h.exists("stages/sum/attempt1.txt") {
				t.Error("files of the attempt under the old fingerprint were kept")
			}
			if !h.exists("stages/sum/attempt2.txt") {
				t.Error("files of the fresh attempt missing")
			}
			if !strings.Contains(h.log.String(), "checkpoint was made with other config or inputs") {
				t.Errorf("log does not say why the checkpoint was dropped:\n%s", h.log.String())
			}
		})
	}
}

func TestUnreadableCheckpointStartsAfresh(t *testing.T) {
	want := uninterrupted(t, func(*config.Config) {})
	h := newHarness(t)
	setSteps(h.cfg)
	s := &sumStage{c: newCounts(), stopAt: 7, mode: "fail"}
	p := sumPipeline(s)
	if err := h.execute(context.Background(), p); err == nil {
		t.Fatal("first attempt did not fail")
	}
	h.writeRel("checkpoints/sum.ckpt", "not a gob")
	h.log.Reset()
	h.mustExecute(p)
	if !slices.Equal(s.loaded, []bool{false, false}) {
		t.Errorf("loaded %v, want a fresh start", s.loaded)
	}
	if got := h.read("stages/sum/sum.txt"); got != want {
		t.Errorf("result %q, want %q", got, want)
	}
	if !strings.Contains(h.log.String(), "unreadable checkpoint") {
		t.Errorf("log does not warn about the checkpoint:\n%s", h.log.String())
	}
}

func TestCheckpointErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func(env *Env) error
		want string
	}{
		{"unencodable state", func(env *Env) error { return env.SaveCheckpoint(make(chan int), 1) }, "encoding checkpoint"},
		{"no checkpoint", func(env *Env) error {
			var st sumState
			st.Step = 42
			ok, err := env.LoadCheckpoint(&st)
			if ok || err != nil || st.Step != 42 {
				return fmt.Errorf("LoadCheckpoint = %v, %v, state %+v; want false, nil, untouched", ok, err, st)
			}
			return errors.New("fine")
		}, "fine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			p := Pipeline{Name: "p", Stages: []Stage{{Name: "s", Run: func(_ context.Context, env *Env) error {
				return tt.run(env)
			}}}}
			err := h.execute(context.Background(), p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Execute = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestCheckpointTypeMismatch(t *testing.T) {
	h := newHarness(t)
	first := true
	p := Pipeline{Name: "p", Stages: []Stage{{Name: "s", Run: func(_ context.Context, env *Env) error {
		if first {
			first = false
			if err := env.SaveCheckpoint(sumState{Step: 3}, 3); err != nil {
				return err
			}
			return errors.New("stop")
		}
		var wrong string
		_, err := env.LoadCheckpoint(&wrong)
		return err
	}}}}
	if err := h.execute(context.Background(), p); err == nil {
		t.Fatal("first attempt did not fail")
	}
	err := h.execute(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "decoding checkpoint") {
		t.Errorf("Execute = %v, want a decoding error", err)
	}
}
