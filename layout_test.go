package dnw_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// TestCitationsResolve: what the code and docs cite is in this repository. A path
// docs/….md named in a Go file or a Markdown file must exist, and nothing may cite
// the engineering notes kept outside it, which a reader of a clone cannot open.
func TestCitationsResolve(t *testing.T) {
	cited := regexp.MustCompile(`docs/[A-Za-z0-9_./-]+\.md`)
	checked := 0
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != "." || d.Name() == "runs" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".md") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "ENGINEERING"+".md") {
			t.Errorf("%s cites %s, which is not in this repository: cite docs/ instead", p, "ENGINEERING"+".md")
		}
		for _, ref := range cited.FindAllString(string(b), -1) {
			checked++
			if _, err := os.Stat(ref); err != nil {
				t.Errorf("%s cites %s, which does not exist", p, ref)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Errorf("checked only %d citations of docs/; is the walk broken?", checked)
	}
}
