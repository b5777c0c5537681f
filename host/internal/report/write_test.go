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

// The memorization check tells a prediction that fell back on the training mean from
// one that recalled a training concept: both lie nearer a training LoRA than their own.
func TestMemorizationTellsTheMeanFromARecall(t *testing.T) {
	r := Results{Memorization: []Memorization{
		{Concept: "h000", ToOwn: 5, ToNearest: 2, ToMean: 0.5}, // the mean again
		{Concept: "h001", ToOwn: 5, ToNearest: 1, ToMean: 3},   // a training concept recalled
		{Concept: "h002", ToOwn: 1, ToNearest: 2, ToMean: 3},   // its own
	}}
	doc, err := compose(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	var md strings.Builder
	if err := doc.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if want := "Of 3 predictions, 1 are nearer the training mean than any training LoRA, 1 nearer a training LoRA than their own concept's"; !strings.Contains(md.String(), want) {
		t.Errorf("report.md lacks %q:\n%s", want, md.String())
	}
}
