package report

import (
	"strings"
	"testing"

	"dnw/host/internal/quality"
)

// A `generated` that beats the paper's two baselines but not `lora-mean` is told so:
// the verdict must not read as a win for the prompt.
func TestVerdictNamesEveryComparison(t *testing.T) {
	median := func(x float64) quality.Stats { return quality.Stats{Median: quality.Num(x)} }
	r := Results{Steps: 60, Summary: []quality.MethodSummary{{
		Method: quality.Generated, Concepts: 4,
		ToScratch: quality.TargetSummary{Reached: 3, VsScratch: median(5.32), VsLoRAZero: median(1.97), VsBestOther: median(0.47)},
	}}}
	got := verdict(r)
	for _, want := range []string{"in 3 of 4 concepts", "5.32× against `scratch`, faster than it (paper: 15.0× faster)",
		"1.97× against `lora-zero`, faster than it (paper: 4.6× faster)",
		"0.47× against the fastest other initialization of each concept, slower than it"} {
		if !strings.Contains(got, want) {
			t.Errorf("verdict %q lacks %q", got, want)
		}
	}

	r.Summary[0].ToScratch = quality.TargetSummary{Reached: 0}
	if got := verdict(r); !strings.Contains(got, "did not reach the scratch target within 60 steps on any of the 4 concepts") {
		t.Errorf("verdict of a method that never got there: %q", got)
	}
}
