package extensions

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// EnvBuiltinDir names the directory of the built-in extensions when set. Without
// it they are in "ext" beside the dnw executable, where `make build` puts them
// (bin/ext).
const EnvBuiltinDir = "DNW_EXT_DIR"

// BuiltinDir is the directory of the built-in extensions (plugins/ext, compiled).
func BuiltinDir() (string, error) {
	if dir := os.Getenv(EnvBuiltinDir); dir != "" {
		return dir, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("extensions: finding the built-in extensions: %w", err)
	}
	return filepath.Join(filepath.Dir(exe), "ext"), nil
}

// IsPath reports whether an experiment's reference to an extension is a file
// path (it ends in .wasm or holds a slash) rather than a built-in's name.
func IsPath(ref string) bool {
	return strings.HasSuffix(ref, ".wasm") || strings.ContainsRune(ref, filepath.Separator) || strings.ContainsRune(ref, '/')
}

// Resolve turns a reference from an experiment into a module file: a path
// (relative to the working directory, like data.dir), or the name of a built-in.
func Resolve(ref string) (string, error) {
	if IsPath(ref) {
		if _, err := os.Stat(ref); err != nil {
			return "", fmt.Errorf("extension %s: %w", ref, err)
		}
		return ref, nil
	}
	dir, err := BuiltinDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, ref+".wasm")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	names, _ := Builtins()
	if len(names) == 0 {
		return "", fmt.Errorf("extension %q: no built-in extensions in %s (make build puts them there; or set %s)", ref, dir, EnvBuiltinDir)
	}
	return "", fmt.Errorf("extension %q: not a built-in (built in: %s) nor a path to a .wasm file", ref, strings.Join(names, ", "))
}

// Builtins lists the names of the built-in extensions, sorted.
func Builtins() ([]string, error) {
	dir, err := BuiltinDir()
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.wasm"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".wasm"))
	}
	slices.Sort(names)
	return names, nil
}
