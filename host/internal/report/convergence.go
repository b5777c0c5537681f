package report

import (
	"fmt"

	"dnw/host/internal/quality"
)

// lateShare is the closing part of the budget in which a new best of `scratch`
// counts as still improving.
const lateShare = 0.25

// scratchStillImproving counts the concepts on which `scratch` set its best metric
// in the last quarter of its budget, out of those it ran on. The scratch target is
// `scratch`'s quality at the budget; where it was still improving, a longer budget
// moves the target up, and every speedup against it with it.
func scratchStillImproving(r Results) (improving, concepts int) {
	better := func(a, b float64) bool { return quality.Better(a, b, r.Metric.HigherIsBetter) }
	for _, run := range r.Runs {
		if run.Method != quality.Scratch || len(run.Curve) < 2 {
			continue
		}
		concepts++
		cut := float64(run.Curve[len(run.Curve)-1].Step) * (1 - lateShare)
		early, late := run.Curve[0].Metric, run.Curve[len(run.Curve)-1].Metric
		for _, p := range run.Curve {
			switch {
			case float64(p.Step) < cut && better(p.Metric, early):
				early = p.Metric
			case float64(p.Step) >= cut && better(p.Metric, late):
				late = p.Metric
			}
		}
		if better(late, early) {
			improving++
		}
	}
	return improving, concepts
}

// convergenceNote says, when it applies, that the scratch target is not `scratch`'s
// converged quality; "" when `scratch` had levelled off everywhere.
func convergenceNote(r Results) string {
	n, of := scratchStillImproving(r)
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("`scratch` set its best `%s` in the last quarter of its %d steps on %d of %d concepts: it was still "+
		"improving, so the scratch target is its quality after %d steps, not at convergence; a longer `finetune.steps` raises it.",
		r.Metric.Name, r.Steps, n, of, r.Steps)
}
