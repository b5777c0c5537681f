package cli

import (
	"context"
	"errors"
	"fmt"

	"dnw/host/internal/config"
	"dnw/host/internal/pluginhost"
)

var validateCmd = &command{
	name:    "validate",
	args:    "FILE... [--set KEY=VALUE]...",
	summary: "check experiment files without running them",
	help: `Checks each experiment file (and the files it includes) against the schema in
experiments/README.md: unknown keys (with the nearest valid one), wrong types,
out-of-range values, missing required keys; and checks that the plugins it names
exist, with options that match each plugin's schema (dnw plugins describe ID). Every
problem is reported as FILE:LINE: KEY: MESSAGE. Exits 2 if any file has a problem.

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
		r, err := config.Load(f, sets)
		if err == nil {
			_, err = plugins.CheckExperiment(ctx, r)
			var errs config.Errors
			if _, extErr := checkExtensions(ctx, r); extErr != nil && (err == nil || errors.As(err, &errs)) {
				err = joinConfigErrors(err, extErr)
			}
		}
		var errs config.Errors
		switch {
		case errors.As(err, &errs):
			all = append(all, errs...)
			fmt.Fprintf(a.stdout, "FAIL  %s (%d problems)\n", f, len(errs))
		case err != nil:
			return err
		default:
			fmt.Fprintf(a.stdout, "ok    %s (experiment %s, pipeline %s)\n", f,
				r.Config.Experiment.Name, r.Config.Experiment.Pipeline)
		}
	}
	if len(all) > 0 {
		return all
	}
	return nil
}
