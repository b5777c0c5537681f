package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"dnw/host/internal/config"
	"dnw/host/internal/device"
	"dnw/host/internal/progress"
	"dnw/host/internal/runstore"
	"dnw/sdk"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// command is one subcommand.
type command struct {
	name    string
	args    string // synopsis after the name
	summary string // one line for the overview
	help    string // what it does and examples, for `dnw NAME --help`
	hidden  bool   // left out of the overview: run by dnw itself
	run     func(ctx context.Context, a *app, args []string) error
}

// commands in the order the overview lists them.
var commands []*command

func init() {
	commands = []*command{runCmd, sweepCmd, validateCmd, showCmd, statusCmd, pluginsCmd, extCmd, cacheCmd, dataCmd, textCmd, predictCmd, benchCmd, versionCmd, pluginCmd, trialCmd}
}

const overview = `dnw — denoised neural weights.

Instead of training an image-to-image GAN for a new visual concept from scratch, dnw
trains a diffusion model over the LoRA weights of many trained concepts, predicts a new
concept's weights from its text prompt in one denoising step, and fine-tunes briefly
(Gong et al., "Efficient Training with Denoised Neural Weights", ECCV 2024). dnw runs
that method, its baselines and its ablations from TOML experiment files.

Usage:
  dnw <command> [arguments] [flags]

Commands:
%s
Examples:
  dnw run experiments/selftest.toml      run the self-test pipeline into runs/selftest
  dnw run runs/selftest                  resume a run directory (or confirm it is done)
  dnw status runs/selftest               stages, timings and artifacts of a run
  dnw show experiments/ablations/chunk-128.toml --set weightgen.steps=100
  dnw sweep experiments/ablations/chunk-size.toml --dry-run   the trials of an ablation
  dnw validate experiments/*.toml experiments/ablations/*.toml

Run 'dnw <command> --help' for a command's flags and examples. Experiment files are
documented in experiments/README.md.

Exit codes: 0 success, 1 failure, 2 bad input (file, key, value or flag; a data folder
or run directory dnw cannot use; a device this binary or machine lacks; a plugin binary
dnw refuses), 130 interrupted.
`

// Main runs dnw with the given arguments (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				printHelp(stdout, c, nil)
				return ExitOK
			}
		}
		printOverview(stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	c := lookup(args[0])
	if c == nil {
		msg := fmt.Sprintf("dnw: unknown command %q", args[0])
		if best := sdk.Suggest(args[0], commandNames()); best != "" {
			msg += fmt.Sprintf("; did you mean %q?", best)
		}
		fmt.Fprintf(stderr, "%s\nRun 'dnw --help' for the list of commands.\n", msg)
		return ExitUsage
	}
	a.cmd = c
	return a.exit(c.run(ctx, a, args[1:]))
}

type app struct {
	stdout, stderr io.Writer
	cmd            *command // the command being run
}

// usageError is a mistake in the command line itself.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errHelp means --help was asked for and printed.
var errHelp = errors.New("help printed")

// exit prints err, if any, and maps it to an exit code.
func (a *app) exit(err error) int {
	c := a.cmd
	var ue usageError
	var ce config.Errors
	var one *config.Error
	switch {
	case err == nil, errors.Is(err, errHelp):
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(a.stderr, "dnw %s: %v\nRun 'dnw %s --help' for usage.\n", c.name, err, c.name)
		return ExitUsage
	case errors.As(err, &ce), errors.As(err, &one):
		fmt.Fprintf(a.stderr, "%v\n", err)
		return ExitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(a.stderr, "dnw %s: interrupted: %v\n", c.name, err)
		return ExitInterrupted
	case errors.Is(err, runstore.ErrBusy):
		fmt.Fprintf(a.stderr, "dnw %s: %v\n", c.name, err)
		return ExitUsage
	case isBadInput(err):
		// A bad data folder, a run directory dnw cannot read: the user's to fix.
		fmt.Fprintf(a.stderr, "dnw %s: %v\n", c.name, err)
		return ExitUsage
	case errors.Is(err, device.ErrUnavailable):
		// The user's to fix, as a bad flag is: another binary, machine or device.
		fmt.Fprintf(a.stderr, "dnw %s: %v\n", c.name, err)
		return ExitUsage
	}
	fmt.Fprintf(a.stderr, "dnw %s: %v\n", c.name, err)
	return ExitFailure
}

// badInput is implemented by errors about what the user gave dnw (a data folder,
// a run directory), so that packages below the cli can say so without the cli
// knowing each of their error types.
type badInput interface{ BadInput() bool }

func isBadInput(err error) bool {
	var b badInput
	return errors.As(err, &b) && b.BadInput()
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandNames() []string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return names
}

func printOverview(w io.Writer) {
	var b strings.Builder
	for _, c := range commands {
		if !c.hidden {
			fmt.Fprintf(&b, "  %-9s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprintf(w, overview, b.String())
}

func printHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: dnw %s %s\n\n%s\n", c.name, c.args, strings.TrimSpace(c.help))
	if fs != nil {
		fmt.Fprintf(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// parse parses flags that may come before, between or after positional arguments
// (dnw run FILE --set k=v), returning the positional ones.
func (a *app) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printHelp(a.stdout, a.cmd, fs)
				return nil, errHelp
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// setFlags is the repeatable --set KEY=VALUE flag.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

func (a *app) flagSet() *flag.FlagSet {
	return flag.NewFlagSet("dnw "+a.cmd.name, flag.ContinueOnError)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && progress.IsTerminal(f)
}
