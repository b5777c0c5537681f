package quality

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Bootstrap settings: 2 000 resamples put the ends of a 95% percentile interval on
// the 50th and 1 950th sorted values, enough that reruns with another seed move them
// little (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, §13.3 asks
// for 1 000 or more for percentile intervals); the seed is fixed so that a report
// is the same every time it is made.
const (
	bootstrapResamples = 2000
	bootstrapSeed      = 1
)

// Stats summarizes one quantity over concepts: undefined values (null) are left out
// and counted out of N.
type Stats struct {
	N        int    `json:"n"` // defined values
	Mean     Num    `json:"mean"`
	MeanCI   [2]Num `json:"mean_ci95"` // percentile bootstrap
	Median   Num    `json:"median"`
	MedianCI [2]Num `json:"median_ci95"`
}

// Summarize computes the mean and median of the defined values of xs with 95%
// percentile-bootstrap intervals.
func Summarize(xs []Num) Stats {
	var v []float64
	for _, x := range xs {
		if x.Defined() {
			v = append(v, float64(x))
		}
	}
	s := Stats{N: len(v), Mean: NaN(), Median: NaN(), MeanCI: [2]Num{NaN(), NaN()}, MedianCI: [2]Num{NaN(), NaN()}}
	if len(v) == 0 {
		return s
	}
	s.Mean, s.Median = Num(mean(v)), Num(median(v))
	rng := rand.New(rand.NewPCG(bootstrapSeed, uint64(len(v))))
	means, medians := make([]float64, bootstrapResamples), make([]float64, bootstrapResamples)
	sample := make([]float64, len(v))
	for b := range bootstrapResamples {
		for i := range sample {
			sample[i] = v[rng.IntN(len(v))]
		}
		means[b], medians[b] = mean(sample), median(sample)
	}
	s.MeanCI, s.MedianCI = percentileInterval(means), percentileInterval(medians)
	return s
}

func mean(v []float64) float64 {
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// median sorts a copy of v and returns its middle value, or the mean of the two.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// percentileInterval is the 2.5th and 97.5th percentiles of the resampled statistics.
func percentileInterval(stats []float64) [2]Num {
	slices.Sort(stats)
	at := func(q float64) Num {
		return Num(stats[min(len(stats)-1, int(math.Floor(q*float64(len(stats)))))])
	}
	return [2]Num{at(0.025), at(0.975)}
}

// TargetSummary is one method against one target over concepts.
type TargetSummary struct {
	Reached     int   `json:"reached"`      // concepts on which it reached the target
	FromStart   int   `json:"from_start"`   // of those, the concepts where its start already met it
	Seconds     Stats `json:"seconds"`      // to the target, over the concepts where it reached it
	Steps       Stats `json:"steps"`        // the same in steps
	VsScratch   Stats `json:"vs_scratch"`   // speedups, as Speedups defines them
	VsLoRAZero  Stats `json:"vs_lora_zero"` //
	VsBestOther Stats `json:"vs_best_other"`
}

// MethodSummary is one method over all concepts.
type MethodSummary struct {
	Method      string        `json:"method"`
	Concepts    int           `json:"concepts"`
	Final       Stats         `json:"final"`
	AtEqualTime Stats         `json:"at_equal_time"`
	ToScratch   TargetSummary `json:"to_scratch_target"`
	ToBest      TargetSummary `json:"to_best_target"`
}

// SummarizeMethods summarizes every method over the concepts' results, in the order
// the methods first appear.
func SummarizeMethods(results []ConceptResult) []MethodSummary {
	var out []MethodSummary
	for _, method := range methodsOf(results) {
		var final, equal []Num
		var toScratch, toBest []ToTarget
		for _, c := range results {
			for _, m := range c.Methods {
				if m.Method == method {
					final, equal = append(final, m.Final), append(equal, m.AtEqualTime)
					toScratch, toBest = append(toScratch, m.ToScratch), append(toBest, m.ToBest)
				}
			}
		}
		out = append(out, MethodSummary{Method: method, Concepts: len(final), Final: Summarize(final),
			AtEqualTime: Summarize(equal), ToScratch: summarizeTarget(toScratch), ToBest: summarizeTarget(toBest)})
	}
	return out
}

func summarizeTarget(ts []ToTarget) TargetSummary {
	var s TargetSummary
	var seconds, steps, vsScratch, vsZero, vsBest []Num
	for _, t := range ts {
		if t.FromStart {
			s.FromStart++
		}
		if t.Reach.Reached {
			s.Reached++
			seconds, steps = append(seconds, Num(t.Reach.Seconds)), append(steps, Num(t.Reach.Step))
		}
		vsScratch, vsZero, vsBest = append(vsScratch, t.Speedup.VsScratch), append(vsZero, t.Speedup.VsLoRAZero), append(vsBest, t.Speedup.VsBestOther)
	}
	s.Seconds, s.Steps = Summarize(seconds), Summarize(steps)
	s.VsScratch, s.VsLoRAZero, s.VsBestOther = Summarize(vsScratch), Summarize(vsZero), Summarize(vsBest)
	return s
}
