package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/config"
	"dnw/host/internal/runstore"
)

// PlanFile is a sweep directory's record of what was submitted: the trials, each
// with its frozen config in trials/NNN/config.toml, which is also the trial's run
// directory.
const PlanFile = "sweep.json"

// Plan is sweep.json.
type Plan struct {
	Name      string         `json:"name"`
	File      string         `json:"file"` // the sweep file, as given
	Base      string         `json:"base"`
	Combine   string         `json:"combine"`
	Axes      []string       `json:"axes"`
	Jobs      int            `json:"jobs"`
	OnFailure string         `json:"on_failure"`
	Backend   string         `json:"backend"`
	Slurm     SlurmResources `json:"slurm,omitzero"`
	Submitted time.Time      `json:"submitted"`
	Trials    []PlanTrial    `json:"trials"`
	Dir       string         `json:"-"`
}

// PlanTrial is one submitted trial.
type PlanTrial struct {
	Index      int      `json:"index"`
	Name       string   `json:"name"`
	Values     []string `json:"values"` // each axis's value, in axis order
	Experiment string   `json:"experiment"`
	Dir        string   `json:"dir"` // its run directory, relative to the sweep's
}

// Submit freezes the trials' resolved configs into dir and writes the plan. A
// directory that already holds a plan is refused: resume it instead.
func Submit(f *File, trials []Trial, resolved []*config.Resolved, dir string) (*Plan, error) {
	if _, err := os.Stat(filepath.Join(dir, PlanFile)); err == nil {
		return nil, fmt.Errorf("%s already holds a sweep; run `dnw sweep resume %s` to finish it, or choose another --out", dir, dir)
	}
	p := &Plan{Name: f.Name, File: f.Path, Base: f.Base, Combine: f.Combine, Jobs: f.Jobs, OnFailure: f.OnFailure,
		Backend: f.Backend, Slurm: f.Slurm, Submitted: time.Now().UTC(), Dir: dir}
	for _, a := range f.Axes {
		p.Axes = append(p.Axes, a.Name)
	}
	for i, t := range trials {
		pt := PlanTrial{Index: t.Index, Name: t.Name, Values: t.Values, Experiment: f.ExperimentName(t),
			Dir: filepath.Join("trials", fmt.Sprintf("%03d", t.Index))}
		header := fmt.Sprintf("trial %d of sweep %s (%s): %s\nfrozen at submission; dnw sweep resume %s reruns it if unfinished",
			t.Index, f.Name, f.Path, t.Name, dir)
		if err := os.MkdirAll(filepath.Join(dir, pt.Dir), 0o755); err != nil {
			return nil, err
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, pt.Dir, runstore.ConfigFile), resolved[i].TOML(header, false)); err != nil {
			return nil, err
		}
		p.Trials = append(p.Trials, pt)
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return p, atomicfile.WriteFile(filepath.Join(dir, PlanFile), append(data, '\n'))
}

// ReadPlan reads a sweep directory's plan.
func ReadPlan(dir string) (*Plan, error) {
	data, err := os.ReadFile(filepath.Join(dir, PlanFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is not a sweep directory (no %s)", dir, PlanFile)
	}
	if err != nil {
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, PlanFile), err)
	}
	p.Dir = dir
	return &p, nil
}

// RunDir is a trial's run directory.
func (p *Plan) RunDir(t PlanTrial) string { return filepath.Join(p.Dir, t.Dir) }

// CacheDir is the stage cache the trials share, unless the user names another.
func (p *Plan) CacheDir() string { return filepath.Join(p.Dir, "cache") }

// Status is a trial's state, from its run's manifest: "pending" (never started),
// or the manifest's status (running, done, failed, interrupted).
func (p *Plan) Status(t PlanTrial) string { return statusOf(p.manifest(t)) }

// manifest is a trial run's manifest, or nil before the trial has started.
func (p *Plan) manifest(t PlanTrial) *runstore.Manifest {
	m, err := runstore.ReadManifest(p.RunDir(t))
	if err != nil {
		return nil
	}
	return m
}

func statusOf(m *runstore.Manifest) string {
	if m == nil {
		return "pending"
	}
	return m.Status
}

// axesOf maps each axis to trial t's value on it.
func (p *Plan) axesOf(t PlanTrial) map[string]string {
	axes := map[string]string{}
	for i, a := range p.Axes {
		if i < len(t.Values) {
			axes[a] = t.Values[i]
		}
	}
	return axes
}
