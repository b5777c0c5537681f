package report

import (
	"strings"
	"testing"

	"dnw/host/internal/quality"
)

// A `generated` that beats the paper's two baselines but not `lora-mean` is told so:
// the verdict must not read as a win for the prompt.
func TestVerdictNamesEveryComparison(t *testing.T) {
	median := func(x float64, n int) quality.Stats { return quality.Stats{Median: quality.Num(x), N: n} }
	r := Results{Steps: 60, Summary: []quality.MethodSummary{{
		Method: quality.Generated, Concepts: 4,
		ToScratch: quality.TargetSummary{Reached: 3, FromStart: 1, VsScratch: median(5.32, 2), VsLoRAZero: median(1.97, 1), VsBestOther: median(0.47, 2)},
	}}}
	got := verdict(r)
	for _, want := range []string{"in 3 of 4 concepts (1 at the target from the start)",
		"5.32× against `scratch` (2 concepts), faster than it (paper: 15.0× faster)",
		"1.97× against `lora-zero` (1 concept), faster than it (paper: 4.6× faster)",
		"0.47× against the fastest other initialization of each concept (2 concepts), slower than it"} {
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

// The report says when `scratch` was still improving at the end of its budget: its
// target is then its quality at the budget, not at convergence.
func TestConvergenceNoteFindsAStillRisingScratch(t *testing.T) {
	curve := func(metrics ...float64) []quality.Point {
		var c []quality.Point
		for i, m := range metrics {
			c = append(c, quality.Point{Step: 10 * i, Metric: m})
		}
		return c
	}
	r := Results{Metric: Metric{Name: "psnr", HigherIsBetter: true}, Steps: 40, Runs: []Run{
		{Concept: "rising", Method: quality.Scratch, Curve: curve(7, 9, 11, 12, 13)},
		{Concept: "levelled", Method: quality.Scratch, Curve: curve(7, 12, 13, 12.5, 12.8)},
		{Concept: "rising", Method: quality.LoRAZero, Curve: curve(10, 11, 12, 13, 14)}, // not scratch: not counted
	}}
	if n, of := scratchStillImproving(r); n != 1 || of != 2 {
		t.Errorf("still improving on %d of %d concepts, want 1 of 2", n, of)
	}
	if want := "on 1 of 2 concepts: it was still improving"; !strings.Contains(convergenceNote(r), want) {
		t.Errorf("note %q lacks %q", convergenceNote(r), want)
	}

	r.Metric.HigherIsBetter = false // as a distance: the rising curves are getting worse
	if n, _ := scratchStillImproving(r); n != 0 {
		t.Errorf("a lower-is-better metric that rises counted as improving on %d concepts", n)
	}
	if note := convergenceNote(r); note != "" {
		t.Errorf("note where scratch had levelled off: %q", note)
	}
}

// Sub-scores get a table of their own, the primary metric's first, each cell a
// method's median over concepts.
func TestSubScoresAreTabulated(t *testing.T) {
	r := Results{Metric: Metric{Name: "psnr"}, Methods: []string{"scratch"}, Runs: []Run{
		{Concept: "a", Method: "scratch", Sub: map[string]map[string]float64{"ssim": {"luminance": 0.5}, "psnr": {"y": 20}}},
		{Concept: "b", Method: "scratch", Sub: map[string]map[string]float64{"ssim": {"luminance": 0.7}, "psnr": {"y": 30}}},
	}}
	sec := subSection(r, subScores(r))
	got := strings.Join(sec.blocks[1].table.head, " ")
	if got != "method `psnr.y` `ssim.luminance`" {
		t.Errorf("head %q", got)
	}
	row := sec.blocks[1].table.rows[0]
	if !strings.HasPrefix(row[1], "25.000") || !strings.HasPrefix(row[2], "0.600") {
		t.Errorf("row %q; want the medians 25 and 0.6", row)
	}
}
