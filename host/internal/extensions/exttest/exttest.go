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
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("exttest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Builtins builds every built-in extension (each main package in plugins/ext) and
// returns the directory that holds them as NAME.wasm.
func Builtins(t testing.TB) string {
	dir, err := BuildBuiltins()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// UseBuiltins builds the built-ins and points the host at them (DNW_EXT_DIR), for
// a package's TestMain.
func UseBuiltins() {
	dir, err := BuildBuiltins()
	if err != nil {
		panic(err)
	}
	os.Setenv("DNW_EXT_DIR", dir) // extensions.EnvBuiltinDir (importing it would make a cycle in its own tests)
}

// BuildBuiltins is Builtins for callers without a testing.TB (TestMain).
func BuildBuiltins() (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	mains, err := filepath.Glob(filepath.Join(root, "plugins", "ext", "*", "main.go"))
	if err != nil || len(mains) == 0 {
		return "", fmt.Errorf("exttest: no built-in extensions in plugins/ext (%v)", err)
	}
	var pkgs []string
	for _, m := range mains {
		pkgs = append(pkgs, filepath.Dir(m))
	}
	return build(root, pkgs)
}

// Guest builds one guest package (a directory, relative to the module root) and
// returns the module's path.
func Guest(t testing.TB, pkg string) string {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := build(root, []string{filepath.Join(root, pkg)})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, filepath.Base(pkg)+".wasm")
}

// build compiles the packages as reactors into a directory named by a hash of
// their sources, sdk/ext's and the Go version; an existing one is reused.
func build(root string, pkgs []string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version())
	for _, dir := range append([]string{filepath.Join(root, "sdk", "ext")}, pkgs...) {
		if err := hashTree(h, dir); err != nil {
			return "", err
		}
	}
	out := filepath.Join(os.TempDir(), "dnw-exttest-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "dnw-exttest-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for _, pkg := range pkgs {
		wasm := filepath.Join(tmp, filepath.Base(pkg)+".wasm")
		cmd := exec.Command("go", "build", "-buildmode=c-shared", "-ldflags=-s -w", "-o", wasm, ".")
		cmd.Dir = pkg
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("exttest: building %s: %v\n%s", pkg, err, b)
		}
	}
	// Publish atomically; when another process won the race, use its copy.
	if err := os.Rename(tmp, out); err != nil {
		if _, statErr := os.Stat(out); statErr != nil {
			return "", err
		}
	}
	return out, nil
}

// hashTree hashes the names and contents of the files under dir.
func hashTree(h interface{ Write([]byte) (int, error) }, dir string) error {
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
		return err
	}
	return nil
}

// WAT assembles a module in the WebAssembly text format (src relative to the
// module root) with wabt's wat2wasm into a temporary directory and returns the
// module's path.
func WAT(t testing.TB, src string) string {
	t.Helper()
	tool, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Fatalf("wat2wasm, from Debian's wabt package, is not installed (`make deps` installs it): %v", err)
	}
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(src), ".wat")+".wasm")
	if b, err := exec.Command(tool, filepath.Join(root, src), "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm %s: %v\n%s", src, err, b)
	}
	return out
}
