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

// minSeconds floors the times a speedup divides: a start that already meets the
// target reaches it after its preparation alone, which for a LoRA at its standard init
// is next to nothing. One millisecond is the resolution curves.csv prints.
const minSeconds = 1e-3

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
// Each is the other's seconds over the method's: above 1 the method is faster. When
// the method never reaches the target the speedup is 0; when the other never does,
// its seconds are taken as its whole run's, so the speedup is a lower bound; when
// neither does, it is undefined (null).
type Speedups struct {
	VsScratch   Num `json:"vs_scratch"`
	VsLoRAZero  Num `json:"vs_lora_zero"`
	VsBestOther Num `json:"vs_best_other"` // the fastest of all the other methods
}

// ToTarget is how a method fares against one target.
type ToTarget struct {
	Reach   Reach    `json:"reach"`
	Speedup Speedups `json:"speedup"`
}

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

	reaches := func(target float64) map[string]Reach {
		out := map[string]Reach{}
		for _, r := range runs {
			out[r.Method] = FirstReach(r.Curve, target, higherIsBetter)
		}
		return out
	}
	// seconds is a run's time to the target, or, when it never got there, the lower
	// bound its whole run gives.
	seconds := func(r Run, reach Reach) float64 {
		if reach.Reached {
			return reach.Seconds
		}
		return end(r)
	}
	speedup := func(mine Reach, other float64, otherReached bool) Num {
		switch {
		case !mine.Reached && !otherReached:
			return Num(math.NaN())
		case !mine.Reached:
			return 0
		}
		return Num(max(other, minSeconds) / max(mine.Seconds, minSeconds))
	}
	toTarget := func(target float64) map[string]ToTarget {
		rs := reaches(target)
		out := map[string]ToTarget{}
		for _, r := range runs {
			mine := rs[r.Method]
			t := ToTarget{Reach: mine, Speedup: Speedups{VsScratch: NaN(), VsLoRAZero: NaN(), VsBestOther: NaN()}}
			t.Speedup.VsScratch = speedup(mine, seconds(scratch, rs[Scratch]), rs[Scratch].Reached)
			if zero, ok := byMethod[LoRAZero]; ok {
				t.Speedup.VsLoRAZero = speedup(mine, seconds(zero, rs[LoRAZero]), rs[LoRAZero].Reached)
			}
			fastest, anyReached, others := math.Inf(1), false, false
			for _, o := range runs {
				if o.Method != r.Method {
					others = true
					fastest = min(fastest, seconds(o, rs[o.Method]))
					anyReached = anyReached || rs[o.Method].Reached
				}
			}
			if others {
				t.Speedup.VsBestOther = speedup(mine, fastest, anyReached)
			}
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
