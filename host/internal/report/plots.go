package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The plots' size: two fit side by side on a laptop screen.
const (
	plotWidth  = 12 * vg.Centimeter
	plotHeight = 8 * vg.Centimeter
)

// CurvePNG plots each run's metric against wall-clock seconds for one concept, with
// the scratch target as a dashed line (NaN: none).
func CurvePNG(concept string, runs []Run, metric Metric, target float64) ([]byte, error) {
	p := plot.New()
	p.Title.Text = concept
	p.X.Label.Text = "seconds (start + training steps)"
	p.Y.Label.Text = metric.Name
	p.Legend.Top = !metric.HigherIsBetter // out of the way of curves that rise
	p.Add(plotter.NewGrid())
	maxSeconds := 0.0
	for i, r := range runs {
		xy := make(plotter.XYs, len(r.Curve))
		for j, pt := range r.Curve {
			xy[j].X, xy[j].Y = pt.Seconds, pt.Metric
			maxSeconds = max(maxSeconds, pt.Seconds)
		}
		line, points, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, fmt.Errorf("report: %s, %s: %w", concept, r.Method, err)
		}
		line.Color, points.Color = plotutil.Color(i), plotutil.Color(i)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(1.5)
		p.Add(line, points)
		p.Legend.Add(r.Method, line)
	}
	if target == target { // not NaN
		t, err := plotter.NewLine(plotter.XYs{{X: 0, Y: target}, {X: maxSeconds, Y: target}})
		if err != nil {
			return nil, err
		}
		t.Color, t.Dashes = color.Gray{Y: 96}, []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(t)
		p.Legend.Add("scratch target", t)
	}
	return render(p)
}

// LossPNG plots the weight generator's training loss against its steps.
func LossPNG(loss []LossPoint) ([]byte, error) {
	p := plot.New()
	p.Title.Text = "weight generator"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "training loss"
	p.Add(plotter.NewGrid())
	xy := make(plotter.XYs, len(loss))
	for i, l := range loss {
		xy[i].X, xy[i].Y = float64(l.Step), l.Loss
	}
	line, err := plotter.NewLine(xy)
	if err != nil {
		return nil, fmt.Errorf("report: loss curve: %w", err)
	}
	line.Color = plotutil.Color(0)
	p.Add(line)
	return render(p)
}

func render(p *plot.Plot) ([]byte, error) {
	w, err := p.WriterTo(plotWidth, plotHeight, "png")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func base64PNG(png []byte) string { return base64.StdEncoding.EncodeToString(png) }
