package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"text/tabwriter"
	"time"

	"dnw/host/internal/pipeline"
	"dnw/host/internal/runstore"
	"dnw/host/internal/stage"
)

var statusCmd = &command{
	name:    "status",
	args:    "RUN_DIR [--artifacts] [--json]",
	summary: "show the state of a run: stages, timings, artifacts",
	help: `Shows a run directory's experiment, the dnw that ran it, whether it is running
(and which process), and each stage's state, wall time, progress and artifacts.

States: pending (not started), running, done, failed, interrupted (stopped by a signal
or killed; 'dnw run RUN_DIR' resumes it from its last checkpoint).

Examples:
  dnw status runs/selftest
  dnw status runs/selftest --artifacts
  dnw status runs/selftest --json | jq .stages`,
	run: runStatus,
}

func runStatus(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	artifacts := flags.Bool("artifacts", false, "list every artifact with its size and SHA-256")
	asJSON := flags.Bool("json", false, "print manifest.json as it is")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("expected one run directory")
	}
	dir := pos[0]
	m, err := runstore.ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return usagef("%s is not a run directory (no %s)", dir, runstore.ManifestFile)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		data, _ := json.MarshalIndent(m, "", "  ")
		_, err := fmt.Fprintln(a.stdout, string(data))
		return err
	}
	p, _ := pipeline.For(m.Pipeline)
	printStatus(a.stdout, dir, m, p, runstore.Holder(dir))
	if *artifacts {
		printArtifacts(a.stdout, m)
	}
	return nil
}

// printStatus writes the run summary and one line per stage of p. holder is the PID
// holding the run's lock (0 if none): a "running" record without a holder was killed,
// unless the session recorded beside its lock that it failed without saving the
// manifest (a full disk).
func printStatus(w io.Writer, dir string, m *runstore.Manifest, p stage.Pipeline, holder int) {
	state := m.Status
	unsaved := ""
	if m.Status == runstore.Running && holder == 0 {
		unsaved = runstore.LastFailure(dir)
	}
	switch {
	case holder == -1:
		state = "running (starting up)"
	case holder != 0 && holder != os.Getpid():
		state = fmt.Sprintf("running (pid %d)", holder)
	case unsaved != "":
		state = "failed: " + unsaved + " (stages as last saved); 'dnw run " + dir + "' resumes"
	case m.Status == runstore.Running && holder == 0:
		state = "interrupted (the last session was killed); 'dnw run " + dir + "' resumes"
	case m.Status == runstore.Interrupted:
		state = "interrupted; 'dnw run " + dir + "' resumes"
	case m.Status == runstore.Failed:
		state = "failed: " + m.Error
	}
	commit := m.Build.Commit
	if commit == "" {
		commit = "unknown commit"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "run\t%s\n", dir)
	fmt.Fprintf(tw, "experiment\t%s (pipeline %s, seed %d)\n", m.Experiment, m.Pipeline, m.Seed)
	if m.Device != "" { // runs made before dnw recorded it computed on the CPU
		fmt.Fprintf(tw, "device\t%s\n", m.Device)
	}
	fmt.Fprintf(tw, "status\t%s\n", state)
	fmt.Fprintf(tw, "dnw\t%s (%s), %s, %s/%s\n", m.Build.Version, commit, m.Build.GoVersion, m.Build.OS, m.Build.Arch)
	fmt.Fprintf(tw, "sessions\t%d, last started %s\n", len(m.Sessions), m.Started.Local().Format(time.DateTime))
	tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tSTATE\tSTARTED\tTIME\tPLUGINS\tPROGRESS\tARTIFACTS")
	for _, name := range stageNames(m, p) {
		rec := findStage(m, name)
		st := rec.Status
		if st == runstore.Running && holder == 0 {
			st = runstore.Interrupted
			if unsaved != "" {
				st = runstore.Failed
			}
		}
		if st == runstore.Done && rec.FromCache != "" {
			st = "cached" // restored from the stage cache, not computed in this run
		}
		started, took, plugins := "-", "-", "-"
		if rec.Started != nil {
			started = rec.Started.Local().Format(time.TimeOnly)
		}
		if rec.Seconds > 0 {
			took = formatSeconds(rec.Seconds)
			// the share of the stage's time spent starting plugins and waiting on them
			plugins = fmt.Sprintf("%.2f%%", 100*rec.PluginSecs/rec.Seconds)
		}
		prog := "-"
		if rec.Progress != nil {
			prog = fmt.Sprintf("%d/%d %s", rec.Progress.Done, rec.Progress.Total, rec.Progress.Unit)
		}
		arts := "-"
		if len(rec.Artifacts) > 0 {
			var bytes int64
			for _, a := range rec.Artifacts {
				bytes += a.Bytes
			}
			arts = fmt.Sprintf("%d files, %s", len(rec.Artifacts), formatBytes(bytes))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, st, started, took, plugins, prog, arts)
	}
	tw.Flush()
}

func printArtifacts(w io.Writer, m *runstore.Manifest) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ARTIFACT\tSIZE\tSHA-256")
	for _, s := range m.Stages {
		for _, a := range s.Artifacts {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Path, formatBytes(a.Bytes), a.SHA256)
		}
	}
	tw.Flush()
}

// stageNames lists the pipeline's stages, then any the manifest has beyond them.
func stageNames(m *runstore.Manifest, p stage.Pipeline) []string {
	var names []string
	seen := map[string]bool{}
	for _, s := range p.Stages {
		names = append(names, s.Name)
		seen[s.Name] = true
	}
	for _, s := range m.Stages {
		if !seen[s.Name] {
			names = append(names, s.Name)
		}
	}
	return names
}

func findStage(m *runstore.Manifest, name string) *runstore.StageRecord {
	for _, s := range m.Stages {
		if s.Name == name {
			return s
		}
	}
	return &runstore.StageRecord{Name: name, Status: runstore.Pending}
}

func formatSeconds(s float64) string {
	if s < 60 {
		return fmt.Sprintf("%.2fs", s)
	}
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
