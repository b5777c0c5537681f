package runstore

import (
	"time"

	"dnw/host/internal/buildinfo"
)

// ManifestFormat is the version of manifest.json's layout.
const ManifestFormat = 1

// Status of a run or of a stage.
const (
	Pending     = "pending"
	Running     = "running"
	Done        = "done"
	Failed      = "failed"
	Interrupted = "interrupted" // stopped by a signal; a stage resumes from its checkpoint
)

// Manifest is manifest.json: what ran, on what, with which settings, and how it went.
type Manifest struct {
	Format       int            `json:"format"`
	Experiment   string         `json:"experiment"`
	Pipeline     string         `json:"pipeline"`
	Seed         int64          `json:"seed"`
	Device       string         `json:"device,omitempty"` // where the latest session computed, canonical: "cpu", "cuda:0"; empty in runs made before dnw recorded it
	ConfigSHA256 string         `json:"config_sha256"`    // of config.toml
	Build        buildinfo.Info `json:"build"`            // of the latest session
	Created      time.Time      `json:"created"`
	Started      time.Time      `json:"started"` // latest session
	Ended        *time.Time     `json:"ended,omitempty"`
	Status       string         `json:"status"`
	Error        string         `json:"error,omitempty"`
	Sessions     []Session      `json:"sessions"`
	Stages       []*StageRecord `json:"stages"`
	Plugins      []Plugin       `json:"plugins"`
	Extensions   []Extension    `json:"extensions,omitempty"`
}

// Session is one invocation of dnw on the run.
type Session struct {
	PID     int        `json:"pid"`
	Version string     `json:"dnw_version"`
	Args    []string   `json:"args"`
	Started time.Time  `json:"started"`
	Ended   *time.Time `json:"ended,omitempty"`
	Status  string     `json:"status"`
}

// StageRecord is one stage's state.
type StageRecord struct {
	Name        string     `json:"name"`
	Status      string     `json:"status"`
	Fingerprint string     `json:"fingerprint,omitempty"` // of the config keys and inputs it ran with
	Started     *time.Time `json:"started,omitempty"`
	Ended       *time.Time `json:"ended,omitempty"`
	Seconds     float64    `json:"seconds,omitempty"`        // wall time over all sessions
	PluginSecs  float64    `json:"plugin_seconds,omitempty"` // of Seconds, starting plugins and waiting on their calls
	ResumedAt   int64      `json:"resumed_at,omitempty"`     // progress at the last resume from a checkpoint
	Progress    *Progress  `json:"progress,omitempty"`
	Artifacts   []Artifact `json:"artifacts,omitempty"`
	Error       string     `json:"error,omitempty"`
	FromCache   string     `json:"from_cache,omitempty"` // the stage cache key it was restored from, when it was
}

// Progress is how far a stage got, as of its last checkpoint or its end.
type Progress struct {
	Done  int64  `json:"done"`
	Total int64  `json:"total"`
	Unit  string `json:"unit"`
}

// Artifact is one file a stage produced, relative to the run directory.
type Artifact struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Plugin identifies a plugin a run used.
type Plugin struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// Extension is one WASM extension the experiment names, as a run records it.
type Extension struct {
	Key     string `json:"key"` // the config key naming it: "metrics.primary", "filters.pairs", ...
	Ref     string `json:"ref"` // as written there: a built-in's name or a path
	Name    string `json:"name"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// Stage returns the record of the named stage, adding a pending one if absent.
func (m *Manifest) Stage(name string) *StageRecord {
	for _, s := range m.Stages {
		if s.Name == name {
			return s
		}
	}
	s := &StageRecord{Name: name, Status: Pending}
	m.Stages = append(m.Stages, s)
	return s
}
