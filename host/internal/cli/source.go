package cli

import (
	"os"
	"path/filepath"

	"dnw/experiments"
	"dnw/host/internal/config"
	"dnw/host/internal/runstore"
)

// source is where an experiment comes from: a file, a run directory (its saved
// config.toml), or, with no argument, the embedded default.
type source struct {
	file     string
	runDir   string // set when the argument is a run directory
	embedded bool
}

func sourceOf(args []string) (source, error) {
	switch len(args) {
	case 0:
		return source{file: experiments.Default, embedded: true}, nil
	case 1:
	default:
		return source{}, usagef("expected one experiment file or run directory, got %d arguments", len(args))
	}
	st, err := os.Stat(args[0])
	switch {
	case err != nil:
		return source{}, usagef("%v", err)
	case st.IsDir():
		cfg := filepath.Join(args[0], runstore.ConfigFile)
		if _, err := os.Stat(cfg); err != nil {
			return source{}, usagef("%s is a directory but not a run directory (no %s)", args[0], runstore.ConfigFile)
		}
		return source{file: cfg, runDir: args[0]}, nil
	}
	return source{file: args[0]}, nil
}

func (s source) load(sets []string) (*config.Resolved, error) {
	if s.embedded {
		return config.LoadFS(experiments.Files, s.file, sets)
	}
	return config.Load(s.file, sets)
}
