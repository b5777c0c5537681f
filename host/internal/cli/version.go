package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"dnw/host/internal/buildinfo"
)

var versionCmd = &command{
	name:    "version",
	args:    "[--json]",
	summary: "print dnw's version and build",
	help: `Prints dnw's version, the git commit it was built from (when known), the Go
version and the platform. Every run records the same facts in its manifest.`,
	run: runVersion,
}

func runVersion(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	asJSON := flags.Bool("json", false, "print as JSON")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments")
	}
	bi := buildinfo.Read()
	if *asJSON {
		data, _ := json.MarshalIndent(bi, "", "  ")
		_, err := fmt.Fprintln(a.stdout, string(data))
		return err
	}
	commit := bi.Commit
	if commit == "" {
		commit = "unknown (not built from a git checkout)"
	}
	_, err = fmt.Fprintf(a.stdout, "dnw %s\ncommit  %s\ngo      %s %s/%s\ncpu     %s (%d cores)\n",
		bi.Version, commit, bi.GoVersion, bi.OS, bi.Arch, bi.CPU, bi.NumCPU)
	return err
}
