package quality

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func curve(seconds float64, metrics ...float64) []Point {
	var c []Point
	for i, m := range metrics {
		c = append(c, Point{Step: 10 * i, Seconds: seconds * float64(i), Metric: m})
	}
	return c
}

func TestFirstReachCountsEvaluationsOnly(t *testing.T) {
	c := curve(2, 10, 12, 15, 14)
	if r := FirstReach(c, 13, true); r != (Reach{Reached: true, Step: 20, Seconds: 4}) {
		t.Errorf("higher is better, target 13: %+v, want step 20 at 4 s", r)
	}
	if r := FirstReach(c, 15.5, true); r.Reached {
		t.Errorf("target 15.5 is above every evaluation: %+v", r)
	}
	if r := FirstReach(curve(1, 0.5, 0.3, 0.2), 0.3, false); r != (Reach{Reached: true, Step: 10, Seconds: 1}) {
		t.Errorf("lower is better, target 0.3: %+v, want step 10", r)
	}
	if m := AtSeconds(c, 5); m != 15 {
		t.Errorf("at 5 s: %v, want 15 (the evaluation at 4 s)", m)
	}
}

// Four methods on one concept with hand-worked times: scratch ends at 20 dB after
// 40 s; generated gets there in 2 s, lora-zero in 8 s; lora-mean never does.
func TestCompareTargetsAndSpeedups(t *testing.T) {
	runs := []Run{
		{Scratch, curve(10, 5, 12, 18, 19, 20)},     // 0, 10, 20, 30, 40 s
		{LoRAZero, curve(4, 15, 18, 20.5, 21)},      // reaches 20 at 8 s; final 21, the best of the baselines
		{"lora-mean", curve(4, 16, 17, 18, 19)},     // never reaches 20
		{Generated, curve(1, 19, 19.5, 20, 21, 22)}, // reaches 20 at 2 s and 21 at 3 s
	}
	res, err := Compare("h000", runs, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Targets != (Targets{Scratch: 20, Best: 21}) || res.EqualTime != 4 {
		t.Fatalf("targets %+v, equal time %v; want 20 and 21 (generated's 22 excluded), 4 s", res.Targets, res.EqualTime)
	}
	get := func(name string) MethodResult {
		for _, m := range res.Methods {
			if m.Method == name {
				return m
			}
		}
		t.Fatalf("no %s", name)
		return MethodResult{}
	}
	g := get(Generated)
	if want := (Speedups{VsScratch: 20, VsLoRAZero: 4, VsBestOther: 4}); !sameSpeedups(g.ToScratch.Speedup, want) {
		t.Errorf("generated to scratch's 20: %+v, want %+v (scratch at 40 s, lora-zero at 8 s, over 2 s)", g.ToScratch.Speedup, want)
	}
	// To 21: generated at 3 s, lora-zero at 12 s, scratch never: no time to compare.
	if want := (Speedups{VsScratch: NaN(), VsLoRAZero: 4, VsBestOther: 4}); !sameSpeedups(g.ToBest.Speedup, want) {
		t.Errorf("generated to the best 21: %+v, want %+v", g.ToBest.Speedup, want)
	}
	if m := get("lora-mean"); m.ToScratch.Reach.Reached || m.ToScratch.Speedup.VsScratch.Defined() || m.AtEqualTime != 17 {
		t.Errorf("lora-mean: %+v; want not reached, no speedup, 17 dB at 4 s", m)
	}
	if s := get(Scratch); s.ToScratch.Speedup.VsScratch != 1 || s.ToScratch.Speedup.VsBestOther != Num(2.0/40) {
		t.Errorf("scratch against itself %v, against the fastest other %v; want 1 and 1/20", s.ToScratch.Speedup.VsScratch, s.ToScratch.Speedup.VsBestOther)
	}
	// A start that already meets the target is at the target from the start: no
	// speedup for it, nor for the others against the fastest other (it).
	atStart, err := Compare("h001", []Run{{Scratch, curve(10, 5, 20)}, {LoRAZero, curve(1, 25, 26)}}, true)
	if err != nil {
		t.Fatal(err)
	}
	zero, scratch := atStart.Methods[1].ToScratch, atStart.Methods[0].ToScratch
	if !zero.FromStart || zero.Speedup.VsScratch.Defined() || scratch.FromStart || scratch.Speedup.VsBestOther.Defined() || scratch.Speedup.VsScratch != 1 {
		t.Errorf("lora-zero at the target from the start: %+v; scratch: %+v", zero, scratch)
	}
	if _, err := Compare("h000", runs[1:], true); err == nil || !strings.Contains(err.Error(), "no scratch run") {
		t.Errorf("without scratch: %v", err)
	}
}

// sameSpeedups compares speedups with undefined (NaN) values equal to each other.
func sameSpeedups(a, b Speedups) bool {
	same := func(x, y Num) bool { return x == y || !x.Defined() && !y.Defined() }
	return same(a.VsScratch, b.VsScratch) && same(a.VsLoRAZero, b.VsLoRAZero) && same(a.VsBestOther, b.VsBestOther)
}

func TestSummarizeBootstrap(t *testing.T) {
	s := Summarize([]Num{1, 2, 3, 4, 100, NaN()})
	if s.N != 5 || s.Mean != 22 || s.Median != 3 {
		t.Fatalf("%+v: want 5 values, mean 22, median 3", s)
	}
	for _, ci := range [][2]Num{s.MeanCI, s.MedianCI} {
		if !(ci[0] <= ci[1]) || ci[0] < 1 || ci[1] > 100 {
			t.Errorf("interval %v outside the data's range", ci)
		}
	}
	if !(s.MeanCI[0] < 22 && 22 < s.MeanCI[1]) {
		t.Errorf("mean interval %v does not hold the mean 22", s.MeanCI)
	}
	if again := Summarize([]Num{1, 2, 3, 4, 100}); again != s {
		t.Errorf("not reproducible: %+v then %+v", s, again)
	}
	if c := Summarize([]Num{7, 7, 7}); c.MeanCI != [2]Num{7, 7} || c.MedianCI != [2]Num{7, 7} {
		t.Errorf("constant data: %+v", c)
	}
	empty, _ := json.Marshal(Summarize([]Num{NaN()}))
	if string(empty) != `{"n":0,"mean":null,"mean_ci95":[null,null],"median":null,"median_ci95":[null,null]}` {
		t.Errorf("no values: %s", empty)
	}
}

func TestSummarizeMethods(t *testing.T) {
	var results []ConceptResult
	for _, gen := range []float64{1, 2, 4, 0} { // generated reaches 20 after 1, 2, 4 s, then from the start
		res, err := Compare("h", []Run{
			{Scratch, curve(10, 5, 20)},
			{Generated, []Point{{0, 0, map[bool]float64{true: 20, false: 5}[gen == 0]}, {10, max(gen, 1), 20}}},
		}, true)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	sum := SummarizeMethods(results)
	if len(sum) != 2 || sum[1].Method != Generated || sum[1].Concepts != 4 {
		t.Fatalf("%+v", sum)
	}
	g := sum[1].ToScratch
	if g.Reached != 4 || g.FromStart != 1 || g.VsScratch.N != 3 || g.VsScratch.Median != 5 || g.VsScratch.Mean != Num((10.0+5+2.5)/3) {
		t.Errorf("generated: %+v; want 4 reached, 1 from the start, speedups 10, 5, 2.5 (median 5) on the other 3", g)
	}
	if !math.IsNaN(float64(g.VsLoRAZero.Mean)) || g.VsLoRAZero.N != 0 {
		t.Errorf("no lora-zero run, yet a speedup against it: %+v", g.VsLoRAZero)
	}
}
