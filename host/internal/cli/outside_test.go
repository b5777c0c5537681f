package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutsideAuthorFollowsTheREADMEs builds a plugin and an extension as an author
// outside dnw's repository would, from the guides alone: a fresh module in a
// temporary folder whose go.mod is sdk/README.md's "Depending on the sdk" (its one
// replace line pointed at this checkout's sdk), with the files the guides show. The
// plugin (sdk/README.md's tiny-arch) passes its own tests (sdktest.Conformance), is
// locked and described by dnw; the extension (sdk/ext/README.md's metric), built
// with the guide's command, passes dnw ext test.
func TestOutsideAuthorFollowsTheREADMEs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two modules")
	}
	sdkDir, err := filepath.Abs("../../../sdk")
	if err != nil {
		t.Fatal(err)
	}
	readme := readDoc(t, "../../../sdk/README.md")
	goMod := fencedAfter(t, readme, "## Depending on the sdk")
	if !strings.Contains(goMod, "replace dnw/sdk => /path/to/dnw/sdk") {
		t.Fatalf("sdk/README.md's go.mod lacks its replace line:\n%s", goMod)
	}
	goMod = strings.Replace(goMod, "/path/to/dnw/sdk", sdkDir, 1)

	plugin := t.TempDir()
	writeModule(t, plugin, goMod, map[string]string{
		"main.go":      fileBlock(t, readme, "plugins/examples/tiny-arch/main.go"),
		"main_test.go": fileBlock(t, readme, "plugins/examples/tiny-arch/main_test.go"),
	})
	goCmd(t, plugin, nil, "mod", "tidy")
	goCmd(t, plugin, nil, "test", "./...")
	goCmd(t, plugin, nil, "build", "-o", "dnw-arch.tiny", ".")
	t.Setenv("DNW_PLUGIN_PATH", plugin)
	t.Setenv("DNW_PLUGIN_LOCK", filepath.Join(plugin, "plugins.lock"))
	if code, out, errOut := dnw(t, "plugins", "lock"); code != 0 || !strings.Contains(out+errOut, "arch.tiny") {
		t.Fatalf("dnw plugins lock: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := dnw(t, "plugins", "describe", "arch.tiny"); code != 0 {
		t.Fatalf("dnw plugins describe arch.tiny: exit %d\n%s%s", code, out, errOut)
	}

	extReadme := readDoc(t, "../../../sdk/ext/README.md")
	parent := t.TempDir()
	metric := filepath.Join(parent, "my-metric")
	if err := os.Mkdir(metric, 0o755); err != nil {
		t.Fatal(err)
	}
	writeModule(t, metric, strings.Replace(goMod, "example.com/my-plugin", "example.com/my-metric", 1),
		map[string]string{"main.go": fencedAfter(t, extReadme, "## 1. Write it")})
	goCmd(t, metric, nil, "mod", "tidy")
	build := fencedAfter(t, extReadme, "## 3. Build it")
	if !strings.Contains(build, "-o my-metric.wasm") {
		t.Fatalf("sdk/ext/README.md's build block makes no my-metric.wasm:\n%s", build)
	}
	cmd := exec.Command("sh", "-e", "-c", build) // the guide's block as written, from the module's parent
	cmd.Dir, cmd.Env = parent, append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, out)
	}
	if code, out, errOut := dnw(t, "ext", "test", filepath.Join(metric, "my-metric.wasm")); code != 0 {
		t.Fatalf("dnw ext test: exit %d\n%s%s", code, out, errOut)
	}
}

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fencedAfter is the first fenced code block after the line heading.
func fencedAfter(t *testing.T, md, heading string) string {
	t.Helper()
	i := strings.Index(md, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("no heading %q", heading)
	}
	return firstFence(t, md[i:], heading)
}

// fileBlock is the code block right after the line <!-- file: path -->.
func fileBlock(t *testing.T, md, path string) string {
	t.Helper()
	marker := "<!-- file: " + path + " -->"
	i := strings.Index(md, marker)
	if i < 0 {
		t.Fatalf("no block %s", marker)
	}
	return firstFence(t, md[i:], marker)
}

func firstFence(t *testing.T, md, after string) string {
	t.Helper()
	start := strings.Index(md, "```")
	if start < 0 {
		t.Fatalf("no code block after %q", after)
	}
	body := md[start+3:]
	body = body[strings.Index(body, "\n")+1:] // past the fence's language
	end := strings.Index(body, "```")
	if end < 0 {
		t.Fatalf("unclosed code block after %q", after)
	}
	return body[:end]
}

func writeModule(t *testing.T, dir, goMod string, files map[string]string) {
	t.Helper()
	files["go.mod"] = goMod
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goCmd runs the go command in dir with env added, outside dnw's module (GOWORK off,
// GOFLAGS cleared, so nothing of this repository's set-up leaks in).
func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"GOWORK=off", "GOFLAGS="}, env...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}
