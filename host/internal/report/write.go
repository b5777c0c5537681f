package report

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"dnw/host/internal/quality"
)

// The speedups the paper reports for its method, to the quality of the Pix2pix
// baseline trained in full (Gong et al., ECCV 2024, abstract and Table 1).
const (
	paperVsScratch  = 15.0
	paperVsLoRAZero = 4.6
)

// Files renders the report of r with the concepts' image grids: results.json,
// report.md, report.html and the PNGs they show, by file name relative to the
// report's directory.
func Files(r Results, grids []Grid) (map[string][]byte, error) {
	doc, err := compose(r, grids)
	if err != nil {
		return nil, err
	}
	files, err := doc.files()
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	files["results.json"] = append(data, '\n')
	return files, nil
}

// compose writes the report's content.
func compose(r Results, grids []Grid) (document, error) {
	doc := document{title: "dnw report: " + r.Experiment}
	direction := "higher is better"
	if !r.Metric.HigherIsBetter {
		direction = "lower is better"
	}
	intro := section{title: "What was compared"}
	intro.para("%d held-out concept(s), each fine-tuned for %d steps from every initialization (%s) with the same pairs, optimizer and seed. "+
		"Quality is `%s` on the concept's test pairs (%s). Times are wall-clock seconds: the time to make the start (the weight "+
		"generator's prediction, for `generated`) plus the training steps, evaluations excluded.",
		len(r.Concepts), r.Steps, codeList(r.Methods), r.Metric.Name, direction)
	intro.para("Targets per concept: the final quality of `scratch` at its full budget (the paper's), and, stricter, the best " +
		"final quality of any method but `generated`. A speedup is another method's seconds to the target over this one's, on the " +
		"concepts where both reached it by training: a method that never got there has no time to compare (\"reached\" counts it out), " +
		"and one whose start already met the target (\"at target from the start\") has only the time to make its start, so neither " +
		"enters a speedup. Steps to the target, unlike seconds, do not depend on the machine's load. Figures are medians over " +
		"concepts with bootstrap 95%% intervals, the number of concepts behind each speedup in parentheses; means are in results.json.")
	doc.sections = append(doc.sections, intro)

	main := section{title: "Time to the scratch target"}
	main.add(targetTable(r, func(m quality.MethodSummary) quality.TargetSummary { return m.ToScratch }))
	main.para("%s", verdict(r))
	if note := convergenceNote(r); note != "" {
		main.para("%s", note)
	}
	doc.sections = append(doc.sections, main)

	strict := section{title: "Time to the best baseline's final quality"}
	strict.add(targetTable(r, func(m quality.MethodSummary) quality.TargetSummary { return m.ToBest }))
	doc.sections = append(doc.sections, strict)

	equal := section{title: "Quality at equal wall time"}
	equal.para("Each method's `%s` at the wall time of the shortest whole run among the methods on that concept.", r.Metric.Name)
	et := table{head: []string{"method", "final " + r.Metric.Name, r.Metric.Name + " at equal time"}}
	for _, m := range r.Summary {
		et.rows = append(et.rows, []string{"`" + m.Method + "`", medianCI(m.Final, 2), medianCI(m.AtEqualTime, 2)})
	}
	equal.add(et)
	doc.sections = append(doc.sections, equal)
	if len(r.Extra) > 0 {
		doc.sections = append(doc.sections, extraSection(r))
	}
	if subs := subScores(r); len(subs) > 0 {
		doc.sections = append(doc.sections, subSection(r, subs))
	}

	per := section{title: "Per concept"}
	pt := table{head: append([]string{"concept", "scratch target"}, codes(r.Methods)...)}
	for _, c := range r.Concepts {
		row := []string{c.Concept, num(float64(c.Targets.Scratch), 2)}
		for _, name := range r.Methods {
			cell := "—"
			for _, m := range c.Methods {
				if m.Method == name {
					cell = reachCell(m.ToScratch.Reach)
				}
			}
			row = append(row, cell)
		}
		pt.rows = append(pt.rows, row)
	}
	per.para("Seconds (and steps) to the scratch target; \"not reached\" within the budget.")
	per.add(pt)
	for _, c := range r.Concepts {
		var runs []Run
		for _, run := range r.Runs {
			if run.Concept == c.Concept {
				runs = append(runs, run)
			}
		}
		png, err := CurvePNG(c.Concept, runs, r.Metric, float64(c.Targets.Scratch))
		if err != nil {
			return doc, err
		}
		per.img(image{alt: c.Concept + ": " + r.Metric.Name + " against seconds", file: "curves/" + fileSafe(c.Concept) + ".png", png: png})
	}
	doc.sections = append(doc.sections, per)

	if len(grids) > 0 {
		gs := section{title: "Images"}
		gs.para("Each concept's first test pair (source, target), then each method's output for the source at the start, " +
			"midway and at the end of its fine-tune, a row per method.")
		for _, g := range grids {
			png, err := GridPNG(g)
			if err != nil {
				return doc, err
			}
			gs.img(image{alt: g.Concept + ": outputs of each method", file: "grids/" + fileSafe(g.Concept) + ".png", png: png})
		}
		doc.sections = append(doc.sections, gs)
	}

	if len(r.Memorization) > 0 {
		mem := section{title: "Memorization check"}
		mem.para("L2 distances of each concept's generated start (LoRA vector) to the concept's own fine-tuned LoRA and to the " +
			"nearest training LoRA; the own LoRA's distance to its nearest training LoRA and the training mean's to the own " +
			"LoRA give the scale. A prediction much nearer a training LoRA than its own has recalled a training concept; " +
			"one nearer the training mean than any training LoRA is the mean again, whatever its prompt said.")
		mt := table{head: []string{"concept", "to own", "to nearest training", "nearest training concept", "to training mean",
			"own to nearest training", "training mean to own"}}
		recalled, meanLike := 0, 0
		for _, m := range r.Memorization {
			mt.rows = append(mt.rows, []string{m.Concept, num(m.ToOwn, 3), num(m.ToNearest, 3), m.NearestConcept, num(m.ToMean, 3),
				num(m.OwnToNearest, 3), num(m.MeanToOwn, 3)})
			switch {
			case m.ToMean < m.ToNearest:
				meanLike++
			case m.ToNearest < m.ToOwn:
				recalled++
			}
		}
		mem.add(mt)
		mem.para("Of %d predictions, %d are nearer the training mean than any training LoRA, %d nearer a training LoRA than their "+
			"own concept's (and not the mean).", len(r.Memorization), meanLike, recalled)
		doc.sections = append(doc.sections, mem)
	}

	if len(r.LoRA.Layers) > 0 {
		doc.sections = append(doc.sections, loraSection(r.LoRA))
	}

	if len(r.WeightgenLoss) > 0 {
		wg := section{title: "Weight generator"}
		png, err := LossPNG(r.WeightgenLoss)
		if err != nil {
			return doc, err
		}
		wg.para("Training loss of the weight generator (stage weightgen; its summary.md has the held-out check).")
		wg.img(image{alt: "weight generator loss", file: "weightgen-loss.png", png: png})
		doc.sections = append(doc.sections, wg)
	}
	return doc, nil
}

// targetTable is the paper's form: per method, its final quality, how often and how
// fast it reached the target, and its speedups.
func targetTable(r Results, target func(quality.MethodSummary) quality.TargetSummary) table {
	t := table{head: []string{"method", "final " + r.Metric.Name, "reached", "at target from the start", "seconds to target",
		"steps to target", "speedup vs scratch", "vs lora-zero", "vs fastest other"}}
	for _, m := range r.Summary {
		s := target(m)
		t.rows = append(t.rows, []string{"`" + m.Method + "`", medianCI(m.Final, 2), fmt.Sprintf("%d of %d", s.Reached, m.Concepts),
			fmt.Sprint(s.FromStart), medianCI(s.Seconds, 1), medianCI(s.Steps, 0),
			speedupCI(s.VsScratch), speedupCI(s.VsLoRAZero), speedupCI(s.VsBestOther)})
	}
	return t
}

// verdict says plainly whether the method met the paper's claim on this run, and
// whether it beat every other initialization (a `generated` that only matches
// `lora-mean` has not shown that the prompt helps).
func verdict(r Results) string {
	i := slices.IndexFunc(r.Summary, func(m quality.MethodSummary) bool { return m.Method == quality.Generated })
	if i < 0 {
		return "No `generated` run: the weight generator was not compared."
	}
	s := r.Summary[i].ToScratch
	if s.Reached == 0 {
		return fmt.Sprintf("**`generated` did not reach the scratch target within %d steps on any of the %d concepts.**", r.Steps, r.Summary[i].Concepts)
	}
	say := func(x quality.Stats, against, paper string) string {
		if !x.Median.Defined() {
			return "no speedup against " + against + " could be measured (on no concept did both reach the target by training)"
		}
		verdict := "faster than"
		if x.Median < 1 {
			verdict = "slower than"
		}
		return fmt.Sprintf("%s× against %s (%d %s), %s it%s", num(float64(x.Median), 2), against, x.N, plural(x.N, "concept"), verdict, paper)
	}
	fromStart := ""
	if s.FromStart > 0 {
		fromStart = fmt.Sprintf(" (%d at the target from the start)", s.FromStart)
	}
	return fmt.Sprintf("**`generated` reached the scratch target in %d of %d concepts%s; median speedup %s; %s; %s.**",
		s.Reached, r.Summary[i].Concepts, fromStart,
		say(s.VsScratch, "`"+quality.Scratch+"`", fmt.Sprintf(" (paper: %.1f× faster)", paperVsScratch)),
		say(s.VsLoRAZero, "`"+quality.LoRAZero+"`", fmt.Sprintf(" (paper: %.1f× faster)", paperVsLoRAZero)),
		say(s.VsBestOther, "the fastest other initialization of each concept", ""))
}

func medianCI(s quality.Stats, digits int) string {
	if !s.Median.Defined() {
		return "—"
	}
	return fmt.Sprintf("%s [%s, %s]", num(float64(s.Median), digits), num(float64(s.MedianCI[0]), digits), num(float64(s.MedianCI[1]), digits))
}

// speedupCI is a speedup's median, its interval and the number of concepts it is
// defined on (both methods reached the target by training).
func speedupCI(s quality.Stats) string {
	if !s.Median.Defined() {
		return "—"
	}
	return fmt.Sprintf("%s× [%s, %s] (%d)", num(float64(s.Median), 2), num(float64(s.MedianCI[0]), 2), num(float64(s.MedianCI[1]), 2), s.N)
}

func reachCell(r quality.Reach) string {
	if !r.Reached {
		return "not reached"
	}
	return fmt.Sprintf("%s s (%d steps)", num(r.Seconds, 1), r.Step)
}

// plural is noun for one, noun+"s" for any other count.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

func num(x float64, digits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strconv.FormatFloat(x, 'f', digits, 64)
}

func codes(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return out
}

func codeList(names []string) string { return strings.Join(codes(names), ", ") }

// fileSafe keeps letters, digits, '-', '_', '+' and '.' of a concept id for a file name.
func fileSafe(id string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '+' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, id)
}

// extraSection tabulates metrics.extra at the end of the budget: per method, the
// median over concepts with its bootstrap interval.
func extraSection(r Results) section {
	sec := section{title: "Extra metrics at the end of the budget"}
	head := []string{"method"}
	for _, m := range r.Extra {
		dir := "higher is better"
		if !m.HigherIsBetter {
			dir = "lower is better"
		}
		head = append(head, fmt.Sprintf("`%s` (%s)", m.Name, dir))
	}
	sec.para("Each extra metric (`metrics.extra`) on the concept's test pairs after the last step; median over concepts [95%% interval].")
	t := table{head: head}
	for _, method := range r.Methods {
		row := []string{"`" + method + "`"}
		for _, m := range r.Extra {
			var xs []quality.Num
			for _, run := range r.Runs {
				if v, ok := run.Extra[m.Name]; ok && run.Method == method {
					xs = append(xs, quality.Num(v))
				}
			}
			row = append(row, medianCI(quality.Summarize(xs), 3))
		}
		t.rows = append(t.rows, row)
	}
	sec.add(t)
	return sec
}

// subScore names one sub-score of one metric.
type subScore struct{ metric, sub string }

func (s subScore) String() string { return s.metric + "." + s.sub }

// subScores lists the sub-scores the runs hold: the primary metric's first, then
// by metric and sub-score name.
func subScores(r Results) []subScore {
	var out []subScore
	for _, run := range r.Runs {
		for m, subs := range run.Sub {
			for sub := range subs {
				if s := (subScore{m, sub}); !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b subScore) int {
		if ap, bp := a.metric == r.Metric.Name, b.metric == r.Metric.Name; ap != bp {
			if ap {
				return -1
			}
			return 1
		}
		return strings.Compare(a.String(), b.String())
	})
	return out
}

// subSection tabulates the metrics' sub-scores at the end of the budget, as
// extraSection does the extra metrics; a sub-score has no direction of its own.
func subSection(r Results, subs []subScore) section {
	sec := section{title: "Sub-scores at the end of the budget"}
	sec.para("The named parts of a metric's score (`METRIC.SUB`) on the concept's test pairs after the last step; median over concepts [95%% interval].")
	t := table{head: []string{"method"}}
	for _, s := range subs {
		t.head = append(t.head, "`"+s.String()+"`")
	}
	for _, method := range r.Methods {
		row := []string{"`" + method + "`"}
		for _, s := range subs {
			var xs []quality.Num
			for _, run := range r.Runs {
				if v, ok := run.Sub[s.metric][s.sub]; ok && run.Method == method {
					xs = append(xs, quality.Num(v))
				}
			}
			row = append(row, medianCI(quality.Summarize(xs), 3))
		}
		t.rows = append(t.rows, row)
	}
	sec.add(t)
	return sec
}
