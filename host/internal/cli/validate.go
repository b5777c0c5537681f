package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"dnw/host/internal/config"
	"dnw/host/internal/pipeline"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/sweep"
)

var validateCmd = &command{
	name:    "validate",
	args:    "FILE... [--set KEY=VALUE]...",
	summary: "check experiment files without running them",
	help: `Checks each experiment file (and the files it includes) against the schema in
experiments/README.md: unknown keys (with the nearest valid one), wrong types,
out-of-range values (every number has an upper bound; nan and inf are refused),
missing required keys; and checks that the plugins it names exist, with options that
match each plugin's schema (dnw plugins describe ID). Then, as a dry run, it builds the
architecture (model.arch) and places LoRA on its generator (lora.placement), as the
stages will: a placement the architecture cannot take, or an invalid model, is a
problem of model.arch or lora.placement; a placement that finds only some of the
places it was asked for is warned about. Every problem is reported as
FILE:LINE: KEY: MESSAGE. Exits 2 if any file has a problem.

A valid file can still ask for more than the machine has: each stage's memory and
time are estimated, and a warning names any stage that would need more memory than
the machine's total, or more than a week on two CPU cores (experiments/README.md,
"Memory and time"). Warnings do not change the exit code.

Examples:
  dnw validate experiments/*.toml
  dnw validate my-ablation.toml --set weightgen.chunk_size=512`,
	run: runValidate,
}

func runValidate(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	var sets setFlags
	flags.Var(&sets, "set", "override a key after the files, e.g. --set weightgen.chunk_size=128 (repeatable)")
	files, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("name at least one experiment file")
	}
	plugins, err := pluginhost.NewManager(nil)
	if err != nil {
		return err
	}
	defer plugins.Close()
	var all config.Errors
	for _, f := range files {
		var err error
		var what string
		var trials []*config.Resolved
		var warnings []string // of the dry run
		if sweep.IsSweep(f) {
			var sw *sweep.File
			if sw, _, trials, err = resolveSweep(f, sets); err == nil {
				for _, r := range trials {
					warn, trialErr := checkPlugged(ctx, plugins, r)
					err = joinConfigErrors(err, trialErr)
					warnings = append(warnings, warn...)
				}
				err = uniqueErrors(err) // a problem of the base shows once, not once per trial
				what = fmt.Sprintf("sweep %s, %d trials", sw.Name, len(trials))
			}
		} else {
			var r *config.Resolved
			if r, err = config.Load(f, sets); err == nil {
				trials = []*config.Resolved{r}
				warnings, err = checkPlugged(ctx, plugins, r)
				what = fmt.Sprintf("experiment %s, pipeline %s", r.Config.Experiment.Name, r.Config.Experiment.Pipeline)
			}
		}
		for i, w := range warnings {
			if !slices.Contains(warnings[:i], w) { // a sweep's trials share most
				fmt.Fprintf(a.stderr, "dnw validate: warning: %s\n", w)
			}
		}
		var errs config.Errors
		switch {
		case errors.As(err, &errs):
			all = append(all, errs...)
			noun := "problems"
			if len(errs) == 1 {
				noun = "problem"
			}
			fmt.Fprintf(a.stdout, "FAIL  %s (%d %s)\n", f, len(errs), noun)
		case err != nil:
			return err
		default:
			fmt.Fprintf(a.stdout, "ok    %s (%s)\n", f, what)
			warnResources(a, f, trials)
		}
	}
	if len(all) > 0 {
		return all
	}
	return nil
}

// warnResources prints, once each, the warnings of the experiments' memory and time
// estimates: a valid file can still ask for more than this machine has.
func warnResources(a *app, file string, rs []*config.Resolved) {
	seen := map[string]bool{}
	for _, r := range rs {
		p, err := pipeline.For(r.Config.Experiment.Pipeline)
		if err != nil {
			continue // Load accepts only pipelines that exist
		}
		for _, w := range resourceWarnings(&r.Config, p, 1) {
			if !seen[w] {
				seen[w] = true
				fmt.Fprintf(a.stderr, "dnw validate: warning: %s: %s\n", file, w)
			}
		}
	}
}

// checkPlugged checks the plugins and the WASM extensions an experiment names,
// returning every problem as config.Errors; when the plugins are right, it builds the
// architecture and places LoRA as a dry run (pipeline.DryRun) and returns its warnings.
func checkPlugged(ctx context.Context, plugins *pluginhost.Manager, r *config.Resolved) ([]string, error) {
	_, err := plugins.CheckExperiment(ctx, r)
	var errs config.Errors
	if err != nil && !errors.As(err, &errs) {
		return nil, err
	}
	var warnings []string
	if err == nil {
		p, perr := pipeline.For(r.Config.Experiment.Pipeline)
		if perr != nil {
			return nil, perr // Load accepts only pipelines that exist
		}
		plan, dryErr := pipeline.DryRun(ctx, plugins, r, p)
		if dryErr != nil && !errors.As(dryErr, &errs) {
			return nil, dryErr
		}
		err = dryErr
		if plan != nil {
			for _, w := range plan.Warnings {
				warnings = append(warnings, w.Error())
			}
		}
	}
	if _, extErr := checkExtensions(ctx, r); extErr != nil {
		return warnings, joinConfigErrors(err, extErr)
	}
	return warnings, err
}

// uniqueErrors drops repeated config.Errors.
func uniqueErrors(err error) error {
	var errs config.Errors
	if !errors.As(err, &errs) {
		return err
	}
	var out config.Errors
	seen := map[string]bool{}
	for _, e := range errs {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	return out
}
