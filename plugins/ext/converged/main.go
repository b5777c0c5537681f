package main

import (
	"fmt"
	"math"

	"dnw/sdk/ext"
)

// options: epsilon 0.02 keeps checkpoints within 2% of the best (0.3 dB of PSNR at
// 15 dB); it was collect.epsilon's default before the filter became an extension.
var options = struct {
	Epsilon float64 `json:"epsilon"`
}{Epsilon: 0.02}

func init() {
	ext.CheckpointFilter(ext.Info{Name: "converged", Version: "1.0.0", Options: &options,
		Description:   "keeps checkpoints whose metric is within epsilon (relative) of their concept's best",
		OptionsSchema: []byte(`{"type": "object", "additionalProperties": false, "properties": {"epsilon": {"type": "number", "minimum": 0, "description": "relative distance from the concept's best metric (default 0.02)"}}}`)},
		converged)
}

func main() {}

func converged(b ext.Checkpoints) []ext.Verdict {
	vs := make([]ext.Verdict, len(b.Records))
	for i, c := range b.Records {
		tol := options.Epsilon * math.Abs(c.Best)
		gap := c.Best - c.Metric // how much worse than the best, in the metric's direction
		if !b.HigherIsBetter {
			gap = -gap
		}
		vs[i].Keep = gap <= tol
		if !vs[i].Keep {
			vs[i].Reason = fmt.Sprintf("%s %.4g is %.3g from the concept's best %.4g (tolerance %.3g)", b.Metric, c.Metric, gap, c.Best, tol)
		}
	}
	return vs
}
