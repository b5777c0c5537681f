package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"

	"dnw/host/internal/quality"
)

// SweepTrial is one trial of a sweep as its report shows it.
type SweepTrial struct {
	Index   int
	Name    string
	Values  map[string]string // axis → the trial's value
	Status  string
	Results *Results // nil until the trial's report stage has run
}

// SweepFiles writes a sweep's report.md and report.html (one self-contained page)
// and their plots: a table of every trial, then, per axis, generated's and
// scratch's final metric and generated's speedup against scratch, each a median
// over the trial's held-out concepts with its 95% bootstrap interval, against the
// axis's values.
func SweepFiles(name string, axes []string, trials []SweepTrial) (map[string][]byte, error) {
	doc := document{title: "Sweep " + name}
	metric := Metric{Name: "metric", HigherIsBetter: true}
	for _, t := range trials {
		if t.Results != nil {
			metric = t.Results.Metric
			break
		}
	}
	all := section{title: "Trials"}
	all.para("Each trial is the base experiment with its axes' values; medians over its held-out concepts [95%% intervals]. " +
		"Steps to target are to scratch's target; `generated` against `scratch` is the speedup to it in seconds (docs: the run report's first table).")
	t := table{head: append(append([]string{"trial"}, codes(axes)...), "status", "final "+metric.Name+" of `scratch`",
		"final "+metric.Name+" of `generated`", "steps to target of `scratch`", "of `generated`", "`generated` against `scratch`", "against `lora-zero`")}
	for _, tr := range trials {
		row := []string{fmt.Sprintf("%03d", tr.Index)}
		for _, a := range axes {
			row = append(row, tr.Values[a])
		}
		row = append(row, tr.Status)
		if tr.Results == nil {
			row = append(row, "—", "—", "—", "—", "—", "—")
		} else {
			s, g := summaryOf(tr.Results, "scratch"), summaryOf(tr.Results, quality.Generated)
			row = append(row, medianCI(s.Final, 2), medianCI(g.Final, 2), medianCI(s.ToScratch.Steps, 0), medianCI(g.ToScratch.Steps, 0),
				speedupCI(g.ToScratch.VsScratch), speedupCI(g.ToScratch.VsLoRAZero))
		}
		t.rows = append(t.rows, row)
	}
	all.add(t)
	doc.sections = append(doc.sections, all)
	for _, axis := range axes {
		sec := section{title: "Axis " + axis}
		finals, err := axisPNG(axis, trials, metric.Name, func(r *Results, method string) quality.Stats { return summaryOf(r, method).Final },
			[]string{"scratch", quality.Generated})
		if err != nil {
			return nil, err
		}
		speedups, err := axisPNG(axis, trials, "generated against scratch (×)", func(r *Results, _ string) quality.Stats {
			return summaryOf(r, quality.Generated).ToScratch.VsScratch
		}, []string{quality.Generated})
		if err != nil {
			return nil, err
		}
		sec.para("One point per trial at its value of `%s` (trials that differ only in other axes side by side), with its 95%% interval.", axis)
		sec.img(image{alt: axis + ": final " + metric.Name, file: "plots/" + fileSafe(axis) + "-final.png", png: finals})
		sec.img(image{alt: axis + ": speedup", file: "plots/" + fileSafe(axis) + "-speedup.png", png: speedups})
		doc.sections = append(doc.sections, sec)
	}
	return doc.files()
}

// summaryOf is a method's summary in r, or an empty one.
func summaryOf(r *Results, method string) quality.MethodSummary {
	for _, m := range r.Summary {
		if m.Method == method {
			return m
		}
	}
	nan := quality.Num(math.NaN())
	empty := quality.Stats{Mean: nan, Median: nan, MeanCI: [2]quality.Num{nan, nan}, MedianCI: [2]quality.Num{nan, nan}}
	return quality.MethodSummary{Method: method, Final: empty, ToScratch: quality.TargetSummary{Steps: empty, VsScratch: empty, VsLoRAZero: empty}}
}

// axisPNG plots a statistic of each trial against its value of axis: categorical
// x (the values in first-seen order), one series per method, error bars for the
// 95% interval of the median.
func axisPNG(axis string, trials []SweepTrial, ylabel string, stat func(*Results, string) quality.Stats, methods []string) ([]byte, error) {
	var values []string
	for _, t := range trials {
		if v := t.Values[axis]; !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	p := plot.New()
	p.X.Label.Text = axis
	p.Y.Label.Text = ylabel
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	p.NominalX(values...)
	for m, method := range methods {
		var pts plotter.XYs
		var errs plotter.YErrors
		seen := map[string]int{}
		for _, t := range trials {
			if t.Results == nil {
				continue
			}
			s := stat(t.Results, method)
			if !s.Median.Defined() {
				continue
			}
			v := t.Values[axis]
			x := float64(slices.Index(values, v)) + 0.08*float64(seen[v]) + 0.04*float64(m) // side by side
			seen[v]++
			lo, hi := float64(s.MedianCI[0]), float64(s.MedianCI[1])
			med := float64(s.Median)
			if !s.MedianCI[0].Defined() || !s.MedianCI[1].Defined() {
				lo, hi = med, med
			}
			pts = append(pts, plotter.XY{X: x, Y: med})
			errs = append(errs, struct{ Low, High float64 }{med - lo, hi - med})
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.Color = plotutil.Color(m)
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYer
			plotter.YErrorer
		}{pts, errs})
		if err != nil {
			return nil, err
		}
		bars.Color = plotutil.Color(m)
		p.Add(sc, bars)
		p.Legend.Add(strings.ReplaceAll(method, "-", " "), sc)
	}
	return render(p)
}
