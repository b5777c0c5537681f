package stage

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// The runner names the stage of a failure; what the stage's Env returns must not
// name it again ("stage s: stage s: ...").
func TestStageErrorNamesTheStageOnce(t *testing.T) {
	for _, c := range []struct {
		name string
		keys []string
		run  func(ctx context.Context, env *Env) error
		want string
	}{
		{"checkpoint", nil, func(_ context.Context, env *Env) error { return env.SaveCheckpoint(make(chan int), 1) }, "encoding checkpoint"},
		{"extension", []string{"metrics"}, func(ctx context.Context, env *Env) error {
			_, err := env.Extension(ctx, "metrics.primary", "psnr")
			return err
		}, "no extension runtime"},
		{"stage's own error", nil, func(context.Context, *Env) error { return errors.New("broke") }, "broke"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			p := Pipeline{Name: "p", Stages: []Stage{{Name: "s", Keys: c.keys, Run: c.run}}}
			err := h.execute(context.Background(), p)
			if err == nil || !strings.HasPrefix(err.Error(), "stage s: ") || strings.Count(err.Error(), "stage s") != 1 ||
				!strings.Contains(err.Error(), c.want) {
				t.Errorf("Execute = %v; want %q once, and %q", err, "stage s", c.want)
			}
			if rec := h.record("s"); rec == nil || strings.Contains(rec.Error, "stage s") || !strings.Contains(rec.Error, c.want) {
				t.Errorf("the manifest records %+v; want the error without the stage's name, which the record holds", rec)
			}
		})
	}
}
