package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Metric scores a batch of generated images against targets, both (N, 3, S, S) in
// [-1, 1], as one number.
type Metric struct {
	Name           string
	HigherIsBetter bool
	Score          func(pred, target []float32) float64
}

// Better reports whether score a is better than b.
func (m Metric) Better(a, b float64) bool {
	if m.HigherIsBetter {
		return a > b
	}
	return a < b
}

// Within reports whether score is within the relative distance eps of best, in the
// metric's direction: the rule that says a checkpoint has converged.
func (m Metric) Within(score, best, eps float64) bool {
	tol := eps * math.Abs(best)
	if m.HigherIsBetter {
		return score >= best-tol
	}
	return score <= best+tol
}

var builtin = []Metric{
	{Name: "psnr", HigherIsBetter: true, Score: PSNR},
	{Name: "l1", Score: L1},
}

// Lookup returns the built-in metric called name.
func Lookup(name string) (Metric, error) {
	for _, m := range builtin {
		if m.Name == name {
			return m, nil
		}
	}
	names := make([]string, len(builtin))
	for i, m := range builtin {
		names[i] = m.Name
	}
	return Metric{}, fmt.Errorf("metrics: unknown metric %q (built in: %s)", name, strings.Join(slices.Sorted(slices.Values(names)), ", "))
}

// PSNR is the peak signal-to-noise ratio in dB over images mapped to [0, 1]:
// 10·log10(1/MSE), where [-1, 1] values are halved so the peak is 1 (values differ
// by (a−b)/2). Identical images score +Inf; it is capped at 100 dB.
func PSNR(pred, target []float32) float64 {
	mse := 0.0
	for i := range pred {
		d := float64(pred[i]-target[i]) / 2
		mse += d * d
	}
	mse /= float64(len(pred))
	if mse < 1e-10 {
		return 100
	}
	return 10 * math.Log10(1/mse)
}

// L1 is mean |pred − target|, the reconstruction term of pix2pix's objective.
func L1(pred, target []float32) float64 {
	s := 0.0
	for i := range pred {
		s += math.Abs(float64(pred[i] - target[i]))
	}
	return s / float64(len(pred))
}
