package pipeline

import (
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/extensions/exttest"
)

// An extra metric that fails stops stage finetune with an error that names the
// stage and the fine-tune once each; under extensions.on_error = "continue" the
// fine-tunes finish without it.
func TestFailingExtraMetric(t *testing.T) {
	trap := exttest.WAT(t, "host/internal/extensions/testdata/hostile/unreachable/unreachable.wat")
	err := runPipelineWith(t, t.TempDir(), finetunePipeline(), 1, nil, func(c *config.Config) { c.Metrics.Extra = []string{trap} })
	if err == nil {
		t.Fatal("a trapping extra metric did not stop the stage")
	}
	msg := err.Error()
	unit := strings.SplitN(strings.TrimPrefix(msg, "stage finetune: "), ":", 2)[0] // "CONCEPT.METHOD"
	if !strings.HasPrefix(msg, "stage finetune: ") || strings.Count(msg, "stage finetune") != 1 ||
		!strings.Contains(unit, ".") || strings.Count(msg, unit) != 1 || !strings.Contains(msg, "metrics.extra: extension hostile-unreachable") {
		t.Errorf("error %q; want the stage and the fine-tune named once each, then the metric", msg)
	}

	dir := t.TempDir()
	err = runPipelineWith(t, dir, finetunePipeline(), 1, nil, func(c *config.Config) {
		c.Metrics.Extra = []string{trap}
		c.Extensions.OnError = "continue"
	})
	if err != nil {
		t.Fatalf("on_error = continue: %v", err)
	}
	for _, r := range readRuns(t, dir) {
		if len(r.Extra) != 0 {
			t.Errorf("%s.%s: extra %v; want the failed metric left out", r.Concept, r.Method, r.Extra)
		}
	}
}

// subscoresWAT is a metric that returns the sub-scores "max" and "bias".
const subscoresWAT = "host/internal/extensions/testdata/subscores/subscores.wat"

// The sub-scores a metric returns reach runs.json, the primary's as well as the
// extras'; a metric without any is absent.
func TestSubScoresReachRunsJSON(t *testing.T) {
	subscores := exttest.WAT(t, subscoresWAT)
	dir := t.TempDir()
	err := runPipelineWith(t, dir, finetunePipeline(), 1, nil, func(c *config.Config) {
		c.Metrics.Primary, c.Metrics.Extra = subscores, []string{"l1"}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readRuns(t, dir) {
		s := r.Sub["subscores"]
		last := r.Curve[len(r.Curve)-1].Metric
		if len(r.Sub) != 1 || len(s) != 2 || s["max"] < last || s["bias"] < -last || s["bias"] > last {
			t.Errorf("%s.%s: sub %v (final mean |error| %v); want subscores' max ≥ it and |bias| ≤ it", r.Concept, r.Method, r.Sub, last)
		}
	}
}
