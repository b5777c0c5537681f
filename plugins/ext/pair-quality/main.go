package main

import (
	"fmt"
	"math"

	"dnw/sdk/ext"
)

// options, on the [-1, 1] scale: a mean |target − source| under 0.01 (0.5% of
// the range, below 8-bit quantization's 1/255·2 ≈ 0.008 plus noise) is no edit; a
// target whose standard deviation is under 0.02 is flat.
var options = struct {
	MinChange   float64 `json:"min_change"`
	MinContrast float64 `json:"min_contrast"`
}{MinChange: 0.01, MinContrast: 0.02}

func init() {
	ext.PairFilter(ext.Info{Name: "pair-quality", Version: "1.0.0", Options: &options,
		Description: "drops degenerate pairs: target ≈ source, a flat target, or values outside [-1, 1]",
		OptionsSchema: []byte(`{"type": "object", "additionalProperties": false, "properties": {` +
			`"min_change": {"type": "number", "minimum": 0, "description": "least mean |target − source| of a kept pair (default 0.01)"},` +
			`"min_contrast": {"type": "number", "minimum": 0, "description": "least standard deviation of a kept target (default 0.02)"}}}`)},
		quality)
}

func main() {}

func quality(b ext.Pairs) []ext.Verdict {
	vs := make([]ext.Verdict, len(b.Records))
	for i, p := range b.Records {
		vs[i] = judge(p)
	}
	return vs
}

func judge(p ext.Pair) ext.Verdict {
	var change, sum, sumSq float64
	for j, t := range p.Target {
		s := p.Source[j]
		if !inRange(s) || !inRange(t) {
			return ext.Verdict{Reason: fmt.Sprintf("value %g or %g at %d is outside [-1, 1]", s, t, j)}
		}
		change += math.Abs(float64(t - s))
		sum += float64(t)
		sumSq += float64(t) * float64(t)
	}
	n := float64(len(p.Target))
	if change /= n; change < options.MinChange {
		return ext.Verdict{Reason: fmt.Sprintf("target ≈ source: mean change %.4f < %g", change, options.MinChange)}
	}
	mean := sum / n
	if sd := math.Sqrt(max(0, sumSq/n-mean*mean)); sd < options.MinContrast {
		return ext.Verdict{Reason: fmt.Sprintf("flat target: standard deviation %.4f < %g", sd, options.MinContrast)}
	}
	return ext.Verdict{Keep: true}
}

func inRange(v float32) bool { return v >= -1 && v <= 1 } // false for NaN too
