package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/report"
)

// trialResults reads a trial's report stage's results.json; nil when that stage has
// not run.
func (p *Plan) trialResults(t PlanTrial) (*report.Results, error) {
	data, err := os.ReadFile(filepath.Join(p.RunDir(t), "stages", "report", "results.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var res report.Results
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, fmt.Errorf("trial %d: results.json: %w", t.Index, err)
	}
	return &res, nil
}

// WriteReport writes the sweep's report (report.md, report.html and plots/) into
// DIR/report and returns the HTML page's path.
func (p *Plan) WriteReport() (string, error) {
	var trials []report.SweepTrial
	for _, t := range p.Trials {
		res, err := p.trialResults(t)
		if err != nil {
			return "", err
		}
		trials = append(trials, report.SweepTrial{Index: t.Index, Name: t.Name, Values: p.axesOf(t), Status: p.Status(t), Results: res})
	}
	files, err := report.SweepFiles(p.Name, p.Axes, trials)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(p.Dir, "report")
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		if err := atomicfile.WriteFile(path, data); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "report.html"), nil
}
