package plugins_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exampleFiles are the files of the example plugins that sdk/README.md shows whole.
var exampleFiles = []string{
	"plugins/examples/polynomial-schedule/main.go",
	"plugins/examples/polynomial-schedule/main_test.go",
	"plugins/examples/tiny-arch/main.go",
	"plugins/examples/tiny-arch/main_test.go",
}

// sdk/README.md's worked examples are the example plugins' files verbatim, so the
// guide cannot drift from code that builds and passes its tests (each example's own
// module runs them: `make test`). A line `<!-- file: PATH -->`, PATH from the
// repository's root, comes right before the code block that is that whole file.
func TestReadmeExamplesAreTheExampleFiles(t *testing.T) {
	readme, err := os.ReadFile("../sdk/README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := fileBlocks(string(readme))
	if err != nil {
		t.Fatalf("sdk/README.md: %v", err)
	}
	for _, path := range exampleFiles {
		if _, ok := blocks[path]; !ok {
			t.Errorf("sdk/README.md shows no block <!-- file: %s -->", path)
		}
	}
	for path, code := range blocks {
		src, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(path)))
		if err != nil {
			t.Errorf("sdk/README.md: block of %s: %v", path, err)
			continue
		}
		if code != string(src) {
			t.Errorf("sdk/README.md: the block of %s is not that file: %s", path, firstDifference(code, string(src)))
		}
	}
}

// fileBlocks returns the code blocks of a Markdown text that follow a line
// `<!-- file: PATH -->`, by PATH.
func fileBlocks(md string) (map[string]string, error) {
	const marker, fence = "<!-- file: ", "```"
	out := map[string]string{}
	lines := strings.SplitAfter(md, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(line, marker) {
			continue
		}
		path := strings.TrimSuffix(strings.TrimPrefix(line, marker), " -->")
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], fence) {
			return nil, fmt.Errorf("line %d: %s is not followed by a code block", i+1, line)
		}
		var code strings.Builder
		j := i + 2
		for ; j < len(lines) && !strings.HasPrefix(lines[j], fence); j++ {
			code.WriteString(lines[j])
		}
		if j == len(lines) {
			return nil, fmt.Errorf("line %d: the code block of %s never ends", i+2, path)
		}
		if _, dup := out[path]; dup {
			return nil, fmt.Errorf("line %d: a second block of %s", i+1, path)
		}
		out[path] = code.String()
		i = j
	}
	return out, nil
}

// firstDifference names the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d of the block is %q, the file has %q", i+1, gl, wl)
		}
	}
	return "they differ"
}
