package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"dnw/host/internal/pluginhost"
	"dnw/sdk"
)

var pluginsCmd = &command{
	name:    "plugins",
	args:    "[list | describe ID | lock]",
	summary: "list, describe and lock plugins",
	help: `Plugins are the swappable parts of an experiment: GAN architectures (arch.*),
LoRA placements (lora.*), chunkers (chunk.*), noise schedules (schedule.*) and text
encoders (text.*). Experiments name them by id with an options table.

  dnw plugins list          every bundled and external plugin: id, kind, version,
                            source, SHA-256 and whether it would be refused
  dnw plugins describe ID   a plugin's documentation and options (types, defaults, ranges)
  dnw plugins lock          pin the external plugins' SHA-256 digests in the lock file

A binary dnw refuses does not stop the others: 'lock' pins every plugin that starts and
describes itself under the id of its file name, 'list' lists them all, and both then
name each refused file and why, and exit 2. Refused: a binary that does not start as a
plugin or names another id (lock); one not pinned, or changed since (list); an id found
twice or one that shadows a bundled plugin (both).

Bundled plugins are compiled into dnw. External plugins are executables named dnw-ID
in the directories of $DNW_PLUGIN_PATH and ./plugins/bin; dnw runs one only if the
lock file (./plugins.lock, or $DNW_PLUGIN_LOCK) pins its exact binary. sdk/README.md
explains how to write one.

Examples:
  dnw plugins list
  dnw plugins describe schedule.cosine
  DNW_PLUGIN_PATH=$HOME/dnw-plugins dnw plugins lock`,
	run: runPlugins,
}

func runPlugins(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	m, err := pluginhost.NewManager(nil)
	if err != nil {
		return err
	}
	defer m.Close()
	sub := "list"
	if len(pos) > 0 {
		sub, pos = pos[0], pos[1:]
	}
	switch {
	case sub == "list" && len(pos) == 0:
		return a.listPlugins(m)
	case sub == "describe" && len(pos) == 1:
		return a.describePlugin(ctx, m, pos[0])
	case sub == "lock" && len(pos) == 0:
		lock, err := m.Relock()
		if lock == nil {
			return err
		}
		// The good plugins are locked even when some binaries are refused (err).
		fmt.Fprintf(a.stdout, "%s: %d external plugins pinned\n", m.LockPath, len(lock.Plugins))
		for _, e := range lock.Plugins {
			fmt.Fprintf(a.stdout, "  %s %s %s  %s\n", e.ID, e.Version, e.SHA256[:12], e.Path)
		}
		return err
	}
	return usagef("expected 'list', 'describe ID' or 'lock', got %q", strings.Join(append([]string{sub}, pos...), " "))
}

func (a *app) listPlugins(m *pluginhost.Manager) error {
	list, err := m.List()
	if list == nil {
		return err
	}
	// Refused plugins are listed with the rest, and also make the exit code non-zero (err).
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tVERSION\tSOURCE\tSHA-256\tSTATE")
	for _, l := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, orDash(l.Kind), orDash(l.Version), l.Source, l.SHA256[:12], l.State)
	}
	if ferr := tw.Flush(); ferr != nil {
		return ferr
	}
	return err
}

func (a *app) describePlugin(ctx context.Context, m *pluginhost.Manager, id string) error {
	d, err := m.Describe(ctx, id)
	if err != nil {
		return usagef("%v", err)
	}
	fmt.Fprintf(a.stdout, "%s  (kind %s, version %s, %s, sha256 %s)\n\n%s\n\n", d.ID, d.Kind, d.Version, d.Source, d.SHA256[:12], d.Doc)
	if len(d.Options) == 0 {
		fmt.Fprintln(a.stdout, "Options: none")
		return nil
	}
	fmt.Fprintln(a.stdout, "Options:")
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tTYPE\tDEFAULT\tALLOWED\tMEANING")
	for _, o := range d.Options {
		fmt.Fprintf(tw, "  %s\t%s\t%v\t%s\t%s\n", o.Name, o.Type, o.Default, allowed(o), o.Doc)
	}
	return tw.Flush()
}

func allowed(o sdk.OptionSpec) string {
	switch {
	case len(o.Enum) > 0:
		return strings.Join(o.Enum, ", ")
	case o.Min != nil && o.Max != nil:
		return fmt.Sprintf("%v..%v", *o.Min, *o.Max)
	case o.Min != nil:
		return fmt.Sprintf("≥ %v", *o.Min)
	case o.Max != nil:
		return fmt.Sprintf("≤ %v", *o.Max)
	}
	return "-"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

var pluginCmd = &command{
	name:    "plugin",
	args:    "serve ID",
	summary: "serve a bundled plugin (run by dnw itself, not by people)",
	hidden:  true,
	help: `dnw re-executes itself as 'dnw plugin serve ID' to run a bundled plugin in its own
process, speaking go-plugin's gRPC protocol on stdout. Running it by hand prints a
message and exits: plugins are started by the host.`,
	run: runPluginServe,
}

func runPluginServe(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "serve" {
		return usagef("expected 'serve ID'")
	}
	p, err := pluginhost.Bundled(pos[1])
	if err != nil {
		return usagef("%v", err)
	}
	sdk.Serve(p)
	return nil
}
