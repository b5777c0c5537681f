package cli

import (
	"context"
	"fmt"
	"strings"
)

var showCmd = &command{
	name:    "show",
	args:    "[FILE | RUN_DIR] [--set KEY=VALUE]...",
	summary: "print an experiment's resolved configuration, non-default values marked",
	help: `Prints the experiment after includes, --set overrides and defaults: every key of
every section, as TOML that dnw reads back. A value that differs from dnw's default is
marked "# * FILE:LINE" (or "# * --set KEY=VALUE"), naming where it was set. Without an
argument, shows the embedded default experiment (quickstart).

Examples:
  dnw show experiments/quickstart.toml
  dnw show experiments/ablations/chunk-128.toml --set weightgen.steps=100
  dnw show runs/selftest`,
	run: runShow,
}

func runShow(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	var sets setFlags
	flags.Var(&sets, "set", "override a key after the file, e.g. --set weightgen.chunk_size=128 (repeatable)")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	src, err := sourceOf(pos)
	if err != nil {
		return err
	}
	r, err := src.load(sets)
	if err != nil {
		return err
	}
	header := "resolved experiment " + r.Config.Experiment.Name + " from " + src.file
	if src.embedded {
		header += " (embedded default)"
	}
	if len(sets) > 0 {
		header += " with --set " + strings.Join(sets, " --set ")
	}
	header += "\n* marks values that differ from dnw's defaults, with where they were set"
	_, err = fmt.Fprint(a.stdout, string(r.TOML(header, true)))
	return err
}
