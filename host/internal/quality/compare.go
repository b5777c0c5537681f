package quality

import (
	"fmt"
	"math"
	"slices"
)

// The methods the targets and speedups are named after: stage finetune's names for
// the Pix2pix baseline (the whole generator from random weights), the E2GAN baseline
// (a LoRA at its standard init) and the paper's method.
const (
	Scratch   = "scratch"
	LoRAZero  = "lora-zero"
	Generated = "generated"
)

// Run is one method's fine-tune of a concept.
type Run struct {
	Method string
	Curve  []Point // evaluations in step order; the first is the start's
}

// Targets are the qualities a concept's methods race to.
type Targets struct {
	// Scratch is the final metric of training from scratch at its full budget: the
	// quality at which the paper measures its speedups.
	Scratch Num `json:"scratch"`
	// Best is the best final metric among the methods other than generated: the
	// stricter target, which no baseline beats at the end.
	Best Num `json:"best"`
}

// Speedups compare the wall time a method takes to reach a target with another's.
// Each is the other's seconds over the method's: above 1 the method is faster. A
// speedup is defined only when both reached the target by training: it is
// undefined (null) when either never reached it (no time to compare; a whole run is
// no time to the target) and when either was at the target from the start (its
// seconds are only the time to make the start, which says nothing of training speed
// and would divide into a meaningless ratio). ToTarget says which case applies.
type Speedups struct {
	VsScratch   Num `json:"vs_scratch"`
	VsLoRAZero  Num `json:"vs_lora_zero"`
	VsBestOther Num `json:"vs_best_other"` // the fastest of all the other methods
}

// ToTarget is how a method fares against one target.
type ToTarget struct {
	Reach Reach `json:"reach"`
	// FromStart: the first evaluation, the start's, already met the target.
	FromStart bool     `json:"from_start"`
	Speedup   Speedups `json:"speedup"`
}

// byTraining reports whether the method reached the target after training steps:
// the case in which its seconds measure how fast it trains.
func (t ToTarget) byTraining() bool { return t.Reach.Reached && !t.FromStart }

// MethodResult is one method on one concept.
type MethodResult struct {
	Method      string   `json:"method"`
	Start       Num      `json:"start"`         // the metric of its first evaluation
	Final       Num      `json:"final"`         // at its full budget
	AtEqualTime Num      `json:"at_equal_time"` // at ConceptResult.EqualTime seconds
	ToScratch   ToTarget `json:"to_scratch_target"`
	ToBest      ToTarget `json:"to_best_target"`
}

// ConceptResult is the comparison on one concept.
type ConceptResult struct {
	Concept string  `json:"concept"`
	Targets Targets `json:"targets"`
	// EqualTime is the shortest whole run among the methods, in seconds: every method
	// is compared at this wall time too.
	EqualTime Num            `json:"equal_time_seconds"`
	Methods   []MethodResult `json:"methods"`
}

// Compare sets the concept's targets and measures every run against them.
// higherIsBetter is the metric's direction. The runs must include scratch (the first
// target is its final metric); every curve needs at least one evaluation.
func Compare(concept string, runs []Run, higherIsBetter bool) (ConceptResult, error) {
	res := ConceptResult{Concept: concept}
	byMethod := map[string]Run{}
	for _, r := range runs {
		if len(r.Curve) == 0 {
			return res, fmt.Errorf("quality: %s, %s: no evaluations", concept, r.Method)
		}
		if _, dup := byMethod[r.Method]; dup {
			return res, fmt.Errorf("quality: %s: method %s twice", concept, r.Method)
		}
		byMethod[r.Method] = r
	}
	scratch, ok := byMethod[Scratch]
	if !ok {
		return res, fmt.Errorf("quality: %s: no %s run, whose final metric is the target", concept, Scratch)
	}
	final := func(r Run) float64 { return r.Curve[len(r.Curve)-1].Metric }
	end := func(r Run) float64 { return r.Curve[len(r.Curve)-1].Seconds }

	best := math.NaN()
	equal := math.Inf(1)
	for _, r := range runs {
		if r.Method != Generated && (math.IsNaN(best) || Better(final(r), best, higherIsBetter)) {
			best = final(r)
		}
		equal = min(equal, end(r))
	}
	res.Targets = Targets{Scratch: Num(final(scratch)), Best: Num(best)}
	res.EqualTime = Num(equal)

	// speedup is the other's seconds over mine when both trained to the target.
	speedup := func(mine, other ToTarget) Num {
		if !mine.byTraining() || !other.byTraining() {
			return NaN()
		}
		return Num(other.Reach.Seconds / mine.Reach.Seconds)
	}
	toTarget := func(target float64) map[string]ToTarget {
		out := map[string]ToTarget{}
		for _, r := range runs {
			reach := FirstReach(r.Curve, target, higherIsBetter)
			out[r.Method] = ToTarget{Reach: reach, FromStart: reach.Reached && reach.Step == r.Curve[0].Step}
		}
		for _, r := range runs {
			t := out[r.Method]
			t.Speedup = Speedups{VsScratch: speedup(t, out[Scratch]), VsLoRAZero: NaN(), VsBestOther: NaN()}
			if zero, ok := out[LoRAZero]; ok {
				t.Speedup.VsLoRAZero = speedup(t, zero)
			}
			// The fastest other: undefined when another was at the target from the
			// start (nothing trains faster than that) or none got there.
			var fastest ToTarget
			for _, o := range runs {
				ot := out[o.Method]
				switch {
				case o.Method == r.Method || !ot.Reach.Reached:
				case ot.FromStart:
					fastest = ot
				case !fastest.Reach.Reached || !fastest.FromStart && ot.Reach.Seconds < fastest.Reach.Seconds:
					fastest = ot
				}
			}
			t.Speedup.VsBestOther = speedup(t, fastest)
			out[r.Method] = t
		}
		return out
	}
	toScratch, toBest := toTarget(final(scratch)), toTarget(best)
	for _, r := range runs {
		res.Methods = append(res.Methods, MethodResult{Method: r.Method, Start: Num(r.Curve[0].Metric), Final: Num(final(r)),
			AtEqualTime: Num(AtSeconds(r.Curve, equal)), ToScratch: toScratch[r.Method], ToBest: toBest[r.Method]})
	}
	return res, nil
}

// methodsOf lists the methods of the results in their first appearance order.
func methodsOf(results []ConceptResult) []string {
	var out []string
	for _, c := range results {
		for _, m := range c.Methods {
			if !slices.Contains(out, m.Method) {
				out = append(out, m.Method)
			}
		}
	}
	return out
}
