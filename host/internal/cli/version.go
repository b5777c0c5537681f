package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"dnw/host/internal/buildinfo"
	"dnw/host/internal/device"
)

var versionCmd = &command{
	name:    "version",
	args:    "[--json]",
	summary: "print dnw's version and build",
	help: `Prints dnw's version, the git commit it was built from (when known), the Go
version, the platform and the compute backends built in: cpu always, cuda in
bin/dnw-cuda (make cuda), which --device cuda needs. Every run records the same facts
in its manifest, and the device it computed on.`,
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
		data, _ := json.MarshalIndent(struct {
			buildinfo.Info
			Backends []string `json:"backends"`
		}{bi, device.Backends()}, "", "  ")
		_, err := fmt.Fprintln(a.stdout, string(data))
		return err
	}
	commit := bi.Commit
	if commit == "" {
		commit = "unknown (not built from a git checkout)"
	}
	_, err = fmt.Fprintf(a.stdout, "dnw %s\ncommit    %s\ngo        %s %s/%s\ncpu       %s (%d cores)\nbackends  %s\n",
		bi.Version, commit, bi.GoVersion, bi.OS, bi.Arch, bi.CPU, bi.NumCPU, strings.Join(device.Backends(), ", "))
	return err
}
