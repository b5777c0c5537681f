package quality

// Point is one evaluation of a fine-tune: its step, the wall-clock seconds spent so
// far, and the metric.
type Point struct {
	Step    int     `json:"step"`
	Seconds float64 `json:"seconds"`
	Metric  float64 `json:"metric"`
}

// Reach is when a curve first reaches a target.
type Reach struct {
	Reached bool    `json:"reached"`
	Step    int     `json:"step,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
}

// FirstReach finds the first evaluation of curve whose metric is at least as good as
// target. It counts evaluations only, without interpolating between them, so a
// method is credited with the time of the evaluation that shows the quality, the
// conservative reading of a curve sampled every few steps.
func FirstReach(curve []Point, target float64, higherIsBetter bool) Reach {
	for _, p := range curve {
		if atLeast(p.Metric, target, higherIsBetter) {
			return Reach{Reached: true, Step: p.Step, Seconds: p.Seconds}
		}
	}
	return Reach{}
}

// atLeast reports whether score is as good as target or better.
func atLeast(score, target float64, higherIsBetter bool) bool {
	if higherIsBetter {
		return score >= target
	}
	return score <= target
}

// Better reports whether score is strictly better than other in the metric's direction.
func Better(score, other float64, higherIsBetter bool) bool {
	return atLeast(score, other, higherIsBetter) && score != other
}

// AtSeconds is the metric of the last evaluation of curve within seconds: what the
// method shows at that wall time. A curve that has not started by then gives its
// first evaluation's metric, the start's.
func AtSeconds(curve []Point, seconds float64) float64 {
	m := curve[0].Metric
	for _, p := range curve {
		if p.Seconds > seconds {
			break
		}
		m = p.Metric
	}
	return m
}
