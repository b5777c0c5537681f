package dnw_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayout enforces the architecture of the repository: imports flow
// host → sdk ← plugins, kernels imports neither, and every package has a doc.go.
func TestLayout(t *testing.T) {
	forbidden := map[string][]string{ // top-level folder → module paths its code may not import
		"sdk":     {"dnw/host", "dnw/plugins"},
		"plugins": {"dnw/host"},
		"kernels": {"dnw/host", "dnw/sdk", "dnw/plugins"},
	}
	packages := map[string]bool{} // dirs with non-test Go files
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != "." || d.Name() == "testdata" || d.Name() == "runs") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			packages[filepath.Dir(p)] = true
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		top := strings.Split(filepath.ToSlash(p), "/")[0]
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden[top] {
				if path == bad || strings.HasPrefix(path, bad+"/") {
					t.Errorf("%s imports %s: %s/ may not import %s", p, path, top, bad)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range packages {
		if dir == "." {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "doc.go")); err != nil {
			t.Errorf("package %s has no doc.go", dir)
		}
	}
	if len(packages) < 10 {
		t.Errorf("found only %d packages; is the walk broken?", len(packages))
	}
}
