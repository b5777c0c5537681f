package config

import (
	"errors"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes and overrides to the loader: it must never panic, and
// every failure must be a located config error, never something else.
func FuzzLoad(f *testing.F) {
	f.Add("[experiment]\nname = \"x\"\n[weightgen]\nchunk_size = 128\n", "lora.rank=3")
	f.Add("include = \"f.toml\"\n", "")
	f.Add("[model.options]\na.b.c = [1, 2.5, \"s\"]\n[[model.options.t]]\nx = 1\n", "model.options.x={a=1}")
	f.Add("experiment = 1\n[weightgen]\nwidths = [1, \"a\"]\n", "=")
	f.Fuzz(func(t *testing.T, body, set string) {
		fsys := fstest.MapFS{"f.toml": {Data: []byte(body)}}
		var sets []string
		if set != "" {
			sets = []string{set}
		}
		r, err := LoadFS(fsys, "f.toml", sets)
		if err == nil {
			r.TOML("fuzz", true) // rendering a loaded config must not panic either
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("error of type %T: %v", err, err)
		}
	})
}
