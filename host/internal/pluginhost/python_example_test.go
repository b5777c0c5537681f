package pluginhost

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/extensions/exttest"
)

// TestPythonExampleFollowsItsREADME runs the commands of
// plugins/examples/python-text-encoder/README.md as written, from a folder laid out
// like the repository (bin/dnw, .venv, experiments and the example): the Python
// plugin is installed, locked, described and used as the text encoder of the tiny
// experiment, end to end.
func TestPythonExampleFollowsItsREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an experiment")
	}
	python(t)
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "plugins/examples/python-text-encoder/README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := string(readme)
	block = block[strings.Index(block, "```sh\n")+len("```sh\n"):]
	block = block[:strings.Index(block, "```")]

	dir := t.TempDir()
	for _, p := range []string{".venv", "experiments", "plugins/examples"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		if err := os.Symlink(filepath.Join(root, p), filepath.Join(dir, p)); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "bin"), 0o755)
	if err := os.Symlink(dnwBin, filepath.Join(dir, "bin", "dnw")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-e", "-x", "-c", block)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DNW_PLUGIN_PATH=", "DNW_PLUGIN_LOCK=", "DNW_EXT_DIR="+exttest.Builtins(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's commands: %v\n%s", err, out)
	}
	for _, want := range []string{"text.tfidf", "LSA", "report: "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The run's record names the Python plugin and pins the file it ran.
	data, err := os.ReadFile(filepath.Join(dir, "runs/tiny-tfidf/manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := fileSHA256(filepath.Join(dir, "plugins/bin/dnw-text.tfidf"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Plugins []struct{ ID, SHA256 string }
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	for _, p := range manifest.Plugins {
		if p.ID == "text.tfidf" && p.SHA256 == sum {
			return
		}
	}
	t.Errorf("manifest.json's plugins lack text.tfidf at %s: %+v", sum, manifest.Plugins)
}
