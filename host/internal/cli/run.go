package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/buildinfo"
	"dnw/host/internal/config"
	"dnw/host/internal/extensions"
	"dnw/host/internal/logging"
	"dnw/host/internal/pipeline"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/progress"
	"dnw/host/internal/report"
	"dnw/host/internal/runstore"
	"dnw/host/internal/stage"
	"dnw/host/internal/stagecache"
)

var runCmd = &command{
	name:    "run",
	args:    "[FILE | RUN_DIR] [--out DIR] [--set KEY=VALUE]... [--until STAGE] [--jobs N] [--device DEVICE] [--log-level LEVEL]",
	summary: "run an experiment, or resume a run directory",
	help: `Runs the experiment's pipeline into a run directory: --out, else experiment.out,
else runs/<experiment.name>. Without a FILE, runs the embedded default experiment
(experiments/quickstart.toml).

Running again on the same directory resumes: stages already done with the same config
keys and inputs are skipped, an unfinished stage continues from its last checkpoint, and
a stage whose config keys or inputs changed runs again (with what depends on it). A run
killed at any instant loses at most the work since its last checkpoint. Ctrl-C stops
cleanly after saving a checkpoint; a second Ctrl-C stops at once.

Before any work, each stage's memory and time are estimated, and a stage that would
need more memory than the machine has, or more than a week on two CPU cores, is
warned about; the run goes on (experiments/README.md, "Memory and time"). The
architecture is built and LoRA placed as a dry run, as dnw validate does: a placement
the architecture cannot take fails at once, with exit code 2, and logs/dnw.log lists
the layers that got LoRA, with their ranks and sizes.

--until STAGE runs the pipeline up to that stage only (the data stages alone, say); a
later run without it finds them done and goes on. --jobs N lets stage collect train N
concepts at once.

--device cpu|cuda|cuda:N computes on that device, over experiment.device (default
"cpu"). A GPU needs bin/dnw-cuda (make cuda) on a machine with an NVIDIA GPU; dnw
checks the device before any work and exits with code 2 if it is missing. The device
is part of every stage's fingerprint: a run resumed on another device computes its
stages again.

The run directory holds config.toml (the resolved experiment), manifest.json
(versions, machine, device, seed, times, every stage's state and artifacts),
logs/dnw.log and stages/. On a terminal, long stages show a progress bar; otherwise a
progress line is logged every 10 s.

Examples:
  dnw run experiments/selftest.toml
  dnw run experiments/selftest.toml --out /tmp/st --set selftest.steps=500
  dnw run runs/selftest                 resume, or confirm the run is complete
  dnw run --until collect --jobs 2      the quickstart's weight dataset, two concepts at once`,
	run: runRun,
}

func runRun(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	var sets setFlags
	flags.Var(&sets, "set", "override a key after the file, e.g. --set weightgen.chunk_size=128 (repeatable)")
	out := flags.String("out", "", "run directory (default: experiment.out, else runs/<experiment.name>)")
	level := flags.String("log-level", "info", "console log level: debug, info, warn or error (logs/dnw.log always keeps debug)")
	jobs := flags.Int("jobs", 1, "concepts a stage trains at once (collect); each already uses every core for its kernels")
	until := flags.String("until", "", "stop after this stage (e.g. pairs, collect); a later run without it goes on from there")
	cacheDir := flags.String("cache", os.Getenv(envCacheDir), "stage cache directory: restore stages it holds, keep those that finish (default $"+envCacheDir+"; none when empty)")
	dev := flags.String("device", "", "compute device: cpu, cuda or cuda:N (default experiment.device, else cpu)")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	lvl, err := logging.ParseLevel(*level)
	if err != nil {
		return usagef("--log-level: %v", err)
	}
	if *jobs < 1 {
		return usagef("--jobs %d: need at least 1", *jobs)
	}
	src, err := sourceOf(pos)
	if err != nil {
		return err
	}
	if src.runDir != "" && *out != "" && filepath.Clean(*out) != filepath.Clean(src.runDir) {
		return usagef("--out %s conflicts with the run directory %s", *out, src.runDir)
	}
	r, err := src.load(sets)
	if err != nil {
		return err
	}
	if err := runDevice(*dev, r); err != nil {
		return err
	}
	cfg := &r.Config
	p, err := pipeline.For(cfg.Experiment.Pipeline)
	if err != nil {
		return err
	}
	full := p // what a later run without --until goes on to: its LoRA is checked now
	if *until != "" {
		if p, err = p.Until(*until); err != nil {
			return usagef("--until: %v", err)
		}
	}
	if err := p.Check(); err != nil {
		return err
	}
	plugins, err := pluginhost.NewManager(nil)
	if err != nil {
		return err
	}
	defer plugins.Close()
	used, err := plugins.CheckExperiment(ctx, r)
	if err != nil {
		return err
	}
	exts := extensions.NewSet(cfg)
	exts.Log = slog.New(logging.NewConsole(a.stderr, lvl)) // the run's log is not open yet
	defer exts.Close(context.WithoutCancel(ctx))
	usedExts, err := checkExtensionsWith(ctx, exts, r, p)
	if err != nil {
		return err
	}
	// Build the model and place LoRA before any stage trains: a placement the
	// architecture cannot take fails here, not at stage collect.
	plan, err := pipeline.DryRun(ctx, plugins, r, full)
	if err != nil {
		return err
	}
	var cache *stagecache.Cache
	var build string
	if *cacheDir != "" {
		if cache, err = stagecache.Open(*cacheDir); err != nil {
			return err
		}
		if build, err = plugins.BuildSHA256(); err != nil {
			return err
		}
	}
	dir := runDirFor(src, *out, cfg)

	run, err := runstore.Open(dir)
	if err != nil {
		return err
	}
	defer run.Close()
	logFile, err := run.OpenLog()
	if err != nil {
		return err
	}
	defer logFile.Close()
	log, reporter := a.logging(lvl, logFile)
	plugins.Log = log
	logResources(log, cfg, p, *jobs)
	plan.Log(log)

	if err := a.startSession(run, r, used, usedExts, log, args); err != nil {
		return err
	}
	log.Info("run started", "dir", dir, "experiment", cfg.Experiment.Name,
		"pipeline", p.Name, "seed", cfg.Experiment.Seed, "device", cfg.Device().String())

	ctx, stop := signalContext(ctx)
	defer stop()
	runner := &stage.Runner{Run: run, Config: cfg, Log: log, Progress: reporter, Plugins: plugins,
		Extensions: exts, Jobs: *jobs, Cache: cache, Build: build}
	runErr := runner.Execute(ctx, p)
	if err := endSession(run, runErr); err != nil {
		log.Error("cannot save manifest", "err", err)
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			log.Warn("run interrupted; run the same command again to resume", "dir", dir)
		}
		return runErr
	}
	log.Info("run done", "dir", dir)
	printStatus(a.stdout, dir, run.Manifest, p, os.Getpid())
	return printReport(a.stdout, dir, p)
}

// printReport ends a run whose pipeline has a report stage with the report's summary
// and path.
func printReport(w io.Writer, dir string, p stage.Pipeline) error {
	if !slices.ContainsFunc(p.Stages, func(s stage.Stage) bool { return s.Name == "report" }) {
		return nil
	}
	path := filepath.Join(dir, "stages/report/results.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var r report.Results
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintln(w)
	if err := report.Terminal(w, r); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "report: %s\n", filepath.Join(dir, "stages/report/report.html"))
	return err
}

// runDirFor picks the run directory: the resumed one, --out, experiment.out, or runs/NAME.
func runDirFor(src source, out string, cfg *config.Config) string {
	switch {
	case src.runDir != "":
		return src.runDir
	case out != "":
		return out
	case cfg.Experiment.Out != "":
		return cfg.Experiment.Out
	}
	return filepath.Join("runs", cfg.Experiment.Name)
}

// logging sends records to the console at the chosen level (through the progress
// reporter on a terminal, so a live bar and log lines never share a line) and to the
// run's log file as JSON at debug level.
func (a *app) logging(level slog.Level, file io.Writer) (*slog.Logger, *progress.Reporter) {
	tty := isTerminal(a.stderr)
	var reporter *progress.Reporter
	console := a.stderr
	if tty {
		reporter = progress.New(a.stderr, progress.Options{TTY: true})
		console = reporter
	}
	log := slog.New(logging.Tee(
		logging.NewConsole(console, level),
		slog.NewJSONHandler(file, &slog.HandlerOptions{Level: slog.LevelDebug}),
	))
	if !tty {
		reporter = progress.New(a.stderr, progress.Options{Logger: log})
	}
	return log, reporter
}

// startSession checks that the directory belongs to this experiment, writes the
// resolved config and opens a new session in the manifest.
func (a *app) startSession(run *runstore.Run, r *config.Resolved, plugins []runstore.Plugin, exts []runstore.Extension,
	log *slog.Logger, args []string) error {
	cfg := &r.Config
	now := time.Now().UTC()
	m := run.Manifest
	if m == nil {
		m = &runstore.Manifest{Format: runstore.ManifestFormat, Created: now}
		run.Manifest = m
	} else {
		if m.Experiment != cfg.Experiment.Name || m.Pipeline != cfg.Experiment.Pipeline {
			return usagef("%s holds a run of experiment %q (pipeline %s), not %q (pipeline %s); choose another --out",
				run.Dir, m.Experiment, m.Pipeline, cfg.Experiment.Name, cfg.Experiment.Pipeline)
		}
		if prev, err := config.Load(run.Path(runstore.ConfigFile), nil); err == nil {
			if changed := config.Diff(&prev.Config, cfg); len(changed) > 0 {
				log.Info("config changed since the last session; affected stages will run again",
					"keys", strings.Join(changed, ", "))
			}
		}
		switch {
		case m.Status == runstore.Running && run.PreviousFailure != "":
			log.Warn("the previous session failed and could not save the manifest; resuming", "err", run.PreviousFailure)
		case m.Status == runstore.Running:
			log.Warn("the previous session ended without finishing (killed?); resuming")
		}
	}
	header := fmt.Sprintf("resolved experiment %s, written by dnw %s\nresume or re-check with: dnw run %s",
		cfg.Experiment.Name, buildinfo.Version, run.Dir)
	data := r.TOML(header, false)
	if err := atomicfile.WriteFile(run.Path(runstore.ConfigFile), data); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	bi := buildinfo.Read()
	m.Experiment, m.Pipeline, m.Seed, m.Device = cfg.Experiment.Name, cfg.Experiment.Pipeline, cfg.Experiment.Seed, cfg.Device().String()
	m.ConfigSHA256, m.Build, m.Plugins, m.Extensions = hex.EncodeToString(sum[:]), bi, plugins, exts
	m.Started, m.Ended, m.Status, m.Error = now, nil, runstore.Running, ""
	m.Sessions = append(m.Sessions, runstore.Session{
		PID: os.Getpid(), Version: bi.Version, Args: append([]string{"run"}, args...),
		Started: now, Status: runstore.Running,
	})
	return run.SaveManifest()
}

// endSession records how the session ended.
func endSession(run *runstore.Run, runErr error) error {
	now := time.Now().UTC()
	m := run.Manifest
	status := runstore.Done
	switch {
	case errors.Is(runErr, context.Canceled):
		status = runstore.Interrupted
	case runErr != nil:
		status = runstore.Failed
		m.Error = runErr.Error()
	}
	m.Status, m.Ended = status, &now
	s := &m.Sessions[len(m.Sessions)-1]
	s.Status, s.Ended = status, &now
	err := run.SaveManifest()
	if err != nil {
		// A full disk, say: the manifest on disk still says "running", which dnw
		// status would take for a killed session. Say what happened where writing
		// needs no new space.
		why := fmt.Sprintf("manifest.json could not be saved: %v", err)
		switch status {
		case runstore.Failed:
			why = runErr.Error() + "; then " + why
		case runstore.Interrupted:
			why = "interrupted, and " + why
		}
		run.RecordFailure(why)
	}
	return err
}

// checkExtensions checks the WASM extensions an experiment names, when its
// pipeline scores or filters anything.
func checkExtensions(ctx context.Context, r *config.Resolved) ([]runstore.Extension, error) {
	p, err := pipeline.For(r.Config.Experiment.Pipeline)
	if err != nil {
		return nil, err
	}
	set := extensions.NewSet(&r.Config)
	defer set.Close(context.WithoutCancel(ctx))
	return checkExtensionsWith(ctx, set, r, p)
}

func checkExtensionsWith(ctx context.Context, set *extensions.Set, r *config.Resolved, p stage.Pipeline) ([]runstore.Extension, error) {
	if !p.DependsOn("metrics") && !p.DependsOn("filters") {
		return nil, nil
	}
	return set.CheckExperiment(ctx, r)
}

// joinConfigErrors appends the config.Errors of b to those of a (either may be nil).
func joinConfigErrors(a, b error) error {
	var all, more config.Errors
	errors.As(a, &all)
	if !errors.As(b, &more) {
		return b
	}
	return append(all, more...)
}

// envCacheDir names the stage cache directory that dnw run uses when --cache is
// not given.
const envCacheDir = "DNW_CACHE_DIR"
