package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"dnw/host/internal/config"
	"dnw/host/internal/sweep"
)

const sweepArgs = "FILE --dry-run"

var sweepCmd = &command{
	name:    "sweep",
	args:    sweepArgs,
	summary: "list the trials of a sweep file (an ablation over a base experiment)",
	help: `A sweep file names a base experiment and the axes of an ablation ([[ablation]]
tables: a key and its values, or named variants that set several keys), combined
as a grid, zipped, or drawn at random; experiments/README.md, "Sweeps", has the
format and experiments/ablations/ the paper's ablations.

  dnw sweep FILE --dry-run    resolve and validate every trial, and list them with
                              what each changes from the base experiment

Running the trials (local and Slurm backends, a shared stage cache) is not in this
build yet: --dry-run is required.

Examples:
  dnw sweep experiments/ablations/chunk-size.toml --dry-run
  dnw sweep experiments/ablations/chunk-size.toml --dry-run --set weightgen.steps=100`,
	run: runSweep,
}

func runSweep(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	var sets setFlags
	flags.Var(&sets, "set", "override a key of every trial, after the sweep's own (repeatable)")
	dry := flags.Bool("dry-run", false, "list the trials without running them")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: dnw sweep %s", sweepArgs)
	}
	if !*dry {
		return usagef("running a sweep's trials is not in this build yet; add --dry-run to list them")
	}
	f, trials, resolved, err := resolveSweep(pos[0], sets)
	if err != nil {
		return err
	}
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
