package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"dnw/host/internal/config"
	"dnw/host/internal/extensions"
	"dnw/host/internal/pipeline"
	"dnw/host/internal/runstore"
	"dnw/host/internal/sweep"
)

const sweepArgs = "FILE [--dry-run] | resume DIR | status DIR | report DIR"

var sweepCmd = &command{
	name:    "sweep",
	args:    sweepArgs,
	summary: "run an ablation: the trials of a sweep file, in parallel, sharing a stage cache",
	help: `A sweep file names a base experiment and the axes of an ablation ([[ablation]]
tables: a key and its values, or named variants that set several keys), combined
as a grid, zipped, or drawn at random; experiments/README.md, "Sweeps", has the
format and experiments/ablations/ the paper's ablations.

  dnw sweep FILE --dry-run   resolve and validate every trial, and list them with
                             what each changes from the base experiment
  dnw sweep FILE             freeze every trial's config in the sweep directory
                             (--out, default runs/sweeps/NAME: trials/NNN is trial
                             NNN's run directory) and run the trials, sweep.jobs (or
                             --jobs) at once, each a child process, sharing one stage
                             cache (--cache or $` + envCacheDir + `, default DIR/cache), so
                             trials that agree on upstream stages compute them once;
                             then write results.csv, results.json and the report
                             (DIR/report: report.md, report.html, a plot per axis)
                             and print the summary
  dnw sweep resume DIR       run the trials that have not finished (failed, killed,
                             interrupted); finished trials are left as they are
  dnw sweep status DIR       each trial's state and results so far
  dnw sweep report DIR       write the report again from the trials as they stand

sweep.on_failure = "fail-fast" (the default) stops the other trials at the first
failure (they save a checkpoint); "continue" runs them all. Ctrl-C interrupts every
running trial at its next checkpoint; dnw sweep resume goes on from there.

Examples:
  dnw sweep experiments/ablations/chunk-size.toml --dry-run
  dnw sweep experiments/ablations/chunk-size.toml --jobs 2
  dnw sweep resume runs/sweeps/chunk-size`,
	run: runSweep,
}

// trialCmd runs one trial of a submitted sweep: what the local backend's children
// (and a Slurm array task) execute.
var trialCmd = &command{
	name:    "trial",
	args:    "SWEEP_DIR INDEX",
	summary: "run one trial of a submitted sweep (run by dnw sweep itself)",
	hidden:  true,
	help: `dnw sweep runs each trial of a submitted sweep as 'dnw trial SWEEP_DIR INDEX', a
child process (a Slurm array task, on that backend): it runs the trial's run
directory, SWEEP_DIR/trials/NNN, whose config.toml was frozen at submission, with
the sweep's stage cache ($` + envCacheDir + `, else SWEEP_DIR/cache). Run by hand, it
does the same for one trial: dnw sweep status then shows it.`,
	run: runTrial,
}

func runSweep(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	var sets setFlags
	flags.Var(&sets, "set", "override a key of every trial, after the sweep's own (repeatable)")
	dry := flags.Bool("dry-run", false, "list the trials without running them")
	out := flags.String("out", "", "sweep directory (default runs/sweeps/NAME)")
	jobs := flags.Int("jobs", 0, "trials at once (default sweep.jobs)")
	cache := flags.String("cache", os.Getenv(envCacheDir), "stage cache the trials share (default $"+envCacheDir+", else DIR/cache)")
	backend := flags.String("backend", "", "local or slurm (default sweep.backend)")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 2 && pos[0] == "resume":
		plan, err := sweep.ReadPlan(pos[1])
		if err != nil {
			return err
		}
		return a.runTrials(ctx, plan, *jobs, *cache)
	case len(pos) == 2 && pos[0] == "report":
		plan, err := sweep.ReadPlan(pos[1])
		if err != nil {
			return err
		}
		page, err := plan.WriteReport()
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "report: %s\n", page)
		return nil
	case len(pos) == 2 && pos[0] == "status":
		plan, err := sweep.ReadPlan(pos[1])
		if err != nil {
			return err
		}
		rows, err := plan.Results()
		if err != nil {
			return err
		}
		if q := plan.Queue(); len(q) > 0 {
			fmt.Fprintf(a.stdout, "in the Slurm queue: %v\n", q)
		}
		return plan.PrintResults(a.stdout, rows)
	case len(pos) != 1:
		return usagef("usage: dnw sweep %s", sweepArgs)
	}
	f, trials, resolved, err := resolveSweep(pos[0], sets)
	if err != nil {
		return err
	}
	if *dry {
		return a.printTrials(f, trials, resolved, sets)
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("runs", "sweeps", f.Name)
	}
	if *backend != "" {
		f.Backend = *backend
	}
	plan, err := sweep.Submit(f, trials, resolved, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "sweep %s: %d trials submitted to %s\n", f.Name, len(trials), dir)
	return a.runTrials(ctx, plan, *jobs, *cache)
}

// runTrials runs the plan's unfinished trials on the local backend, then writes
// and prints the results.
func (a *app) runTrials(ctx context.Context, plan *sweep.Plan, jobs int, cache string) error {
	if jobs < 1 {
		jobs = plan.Jobs
	}
	if cache == "" {
		cache = plan.CacheDir()
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var todo []sweep.PlanTrial
	for _, t := range plan.Trials {
		if plan.Status(t) != runstore.Done {
			todo = append(todo, t)
		}
	}
	log := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	log.Info("running trials", "sweep", plan.Name, "todo", len(todo), "of", len(plan.Trials), "jobs", jobs, "cache", cache)
	ctx, stop := signalContext(ctx)
	defer stop()
	var failed []int
	switch plan.Backend {
	case "slurm":
		if cache, err = filepath.Abs(cache); err != nil {
			return err
		}
		env := []string{envCacheDir + "=" + cache}
		if dir, err := extensions.BuiltinDir(); err == nil {
			env = append(env, extensions.EnvBuiltinDir+"="+dir) // the tasks find the built-ins where this dnw does
		}
		failed, err = sweep.Slurm{Exe: exe, Env: env, Resources: plan.Slurm, Log: log}.Run(ctx, plan, todo)
	default:
		local := sweep.Local{Jobs: jobs, OnFailure: plan.OnFailure, Log: log,
			Command: func(ctx context.Context, t sweep.PlanTrial) *exec.Cmd {
				cmd := exec.CommandContext(ctx, exe, "trial", plan.Dir, strconv.Itoa(t.Index))
				cmd.Env = append(os.Environ(), envCacheDir+"="+cache)
				return cmd
			}}
		if err = sharePrefix(ctx, local, plan, todo, log); err == nil {
			failed, err = local.Run(ctx, plan, todo)
		}
	}
	if err != nil && ctx.Err() == nil {
		return err
	}
	rows, err := plan.Results()
	if err != nil {
		return err
	}
	if err := plan.WriteResults(rows); err != nil {
		return err
	}
	if err := plan.PrintResults(a.stdout, rows); err != nil {
		return err
	}
	page, err := plan.WriteReport()
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "results: %s, %s\nreport: %s\n", filepath.Join(plan.Dir, "results.csv"), filepath.Join(plan.Dir, "results.json"), page)
	switch {
	case ctx.Err() != nil:
		return context.Canceled
	case len(failed) > 0:
		return fmt.Errorf("sweep %s: trials %v failed (their trial.log says why); dnw sweep resume %s reruns the unfinished ones",
			plan.Name, failed, plan.Dir)
	}
	return nil
}

func runTrial(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	until := flags.String("until", "", "stop after this stage")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("usage: dnw trial SWEEP_DIR INDEX")
	}
	plan, err := sweep.ReadPlan(pos[0])
	if err != nil {
		return err
	}
	i, err := strconv.Atoi(pos[1])
	if err != nil || i < 0 || i >= len(plan.Trials) {
		return usagef("trial %q: the sweep has trials 0 to %d", pos[1], len(plan.Trials)-1)
	}
	cache := os.Getenv(envCacheDir)
	if cache == "" {
		cache = plan.CacheDir()
	}
	runArgs := []string{plan.RunDir(plan.Trials[i]), "--cache", cache}
	if *until != "" {
		runArgs = append(runArgs, "--until", *until)
	}
	return runRun(ctx, a, runArgs)
}

// sharePrefix runs, when trials run at once, the stages every trial shares (the
// same config values, seed and plugins up to them: stage.Pipeline.SharedPrefix)
// once, in the first trial, before the others start: they then restore those
// stages from the cache instead of each computing them side by side.
func sharePrefix(ctx context.Context, local sweep.Local, plan *sweep.Plan, todo []sweep.PlanTrial, log *slog.Logger) error {
	if local.Jobs < 2 || len(todo) < 2 {
		return nil
	}
	var configs []*config.Config
	for _, t := range todo {
		r, err := config.Load(filepath.Join(plan.RunDir(t), runstore.ConfigFile), nil)
		if err != nil {
			return err
		}
		configs = append(configs, &r.Config)
	}
	p, err := pipeline.For(configs[0].Experiment.Pipeline)
	if err != nil {
		return err
	}
	last := p.SharedPrefix(configs)
	if last == "" || last == p.Stages[len(p.Stages)-1].Name {
		return nil
	}
	log.Info("computing the stages every trial shares first", "trial", todo[0].Index, "until", last)
	first := local
	first.Command = func(ctx context.Context, t sweep.PlanTrial) *exec.Cmd {
		cmd := local.Command(ctx, t)
		cmd.Args = append(cmd.Args, "--until", last)
		return cmd
	}
	failed, err := first.Run(ctx, plan, todo[:1])
	if err == nil && len(failed) > 0 && plan.OnFailure == sweep.FailFast {
		err = fmt.Errorf("sweep %s: trial %d failed in the stages the trials share (its trial.log says why)", plan.Name, todo[0].Index)
	}
	return err
}

// printTrials lists the trials and what each changes.
func (a *app) printTrials(f *sweep.File, trials []sweep.Trial, resolved []*config.Resolved, sets []string) error {
	base, err := config.Load(f.Base, sets)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "sweep %s: %d trials (%s over %d axes) from %s\n", f.Name, len(trials), f.Combine, len(f.Axes), f.Base)
	if f.Description != "" {
		fmt.Fprintf(a.stdout, "%s\n", f.Description)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nTRIAL\tEXPERIMENT\tVARIANTS\tCHANGES")
	for i, t := range trials {
		fmt.Fprintf(tw, "%03d\t%s\t%s\t%s\n", t.Index, resolved[i].Config.Experiment.Name, t.Name,
			strings.Join(f.Changes(t, &base.Config, &resolved[i].Config), "; "))
	}
	return tw.Flush()
}

// resolveSweep loads a sweep file and resolves every trial, collecting every
// problem (each at its file, line and key).
func resolveSweep(path string, overrides []string) (*sweep.File, []sweep.Trial, []*config.Resolved, error) {
	f, err := sweep.Load(path)
	if err != nil {
		return nil, nil, nil, err
	}
	trials, err := f.Trials()
	if err != nil {
		return nil, nil, nil, err
	}
	var resolved []*config.Resolved
	var all error
	for _, t := range trials {
		r, err := f.Resolve(t, overrides)
		var errs config.Errors
		switch {
		case errors.As(err, &errs):
			all = joinConfigErrors(all, errs)
		case err != nil:
			return nil, nil, nil, err
		default:
			resolved = append(resolved, r)
		}
	}
	if all != nil {
		return nil, nil, nil, uniqueErrors(all) // an axis value's problem shows once, not once per trial
	}
	return f, trials, resolved, nil
}
