// Package exttest builds WASM extensions for tests: the built-ins of plugins/ext
// and test guests, compiled once per state of their sources and shared by every
// test process through a content-addressed directory under the system's temporary
// directory.
package exttest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Root is the dnw module's root: the directory of go.mod above the working
// directory.
func Root(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("exttest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Builtins builds every built-in extension (each main package in plugins/ext) and
// returns the directory that holds them as NAME.wasm.
func Builtins(t testing.TB) string {
	root := Root(t)
	dirs, err := filepath.Glob(filepath.Join(root, "plugins", "ext", "*", "main.go"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("exttest: no built-in extensions in plugins/ext: %v", err)
	}
	var pkgs []string
	for _, d := range dirs {
		pkgs = append(pkgs, filepath.Dir(d))
	}
	return build(t, root, pkgs)
}

// Guest builds one guest package (a directory, relative to the module root) and
// returns the module's path.
func Guest(t testing.TB, pkg string) string {
	root := Root(t)
	dir := build(t, root, []string{filepath.Join(root, pkg)})
	return filepath.Join(dir, filepath.Base(pkg)+".wasm")
}

// build compiles the packages as reactors into a directory named by a hash of
// their sources, sdk/ext's and the Go version; an existing one is reused.
func build(t testing.TB, root string, pkgs []string) string {
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version())
	for _, dir := range append([]string{filepath.Join(root, "sdk", "ext"), filepath.Join(root, "plugins", "ext", "internal")}, pkgs...) {
		hashTree(t, h, dir)
	}
	out := filepath.Join(os.TempDir(), "dnw-exttest-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(out); err == nil {
		return out
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "dnw-exttest-build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for _, pkg := range pkgs {
		wasm := filepath.Join(tmp, filepath.Base(pkg)+".wasm")
		cmd := exec.Command("go", "build", "-buildmode=c-shared", "-ldflags=-s -w", "-o", wasm, ".")
		cmd.Dir = pkg
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("exttest: building %s: %v\n%s", pkg, err, b)
		}
	}
	// Publish atomically; when another process won the race, use its copy.
	if err := os.Rename(tmp, out); err != nil {
		if _, statErr := os.Stat(out); statErr != nil {
			t.Fatal(err)
		}
	}
	return out
}

// hashTree hashes the names and contents of the files under dir.
func hashTree(t testing.TB, h interface{ Write([]byte) (int, error) }, dir string) {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}
