package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/pluginhost"
)

// buildTestPlugin builds the plugin manager's test plugin (a noise schedule whose id
// is its file name's) into dir and returns its path.
func buildTestPlugin(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "testplugin")
	if out, err := exec.Command("go", "build", "-o", bin, "dnw/host/internal/pluginhost/testdata/testplugin").CombinedOutput(); err != nil {
		t.Fatalf("building the test plugin: %v\n%s", err, out)
	}
	return bin
}

// TestPluginsLockPinsTheGoodAndNamesTheBad: a misnamed binary and one that is no
// plugin at all are refused by name, exit 2, and do not stop the good plugins
// beside them from being locked; list then lists them all and exits 2 too.
func TestPluginsLockPinsTheGoodAndNamesTheBad(t *testing.T) {
	dir := t.TempDir()
	plugin, err := os.ReadFile(buildTestPlugin(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	for _, id := range []string{"schedule.a", "schedule.b"} {
		writeExe(t, filepath.Join(bin, "dnw-"+id), plugin)
	}
	// schedule.misnamed runs a plugin that describes itself as schedule.other.
	other := filepath.Join(dir, "dnw-schedule.other")
	writeExe(t, other, plugin)
	misnamed := filepath.Join(bin, "dnw-schedule.misnamed")
	writeExe(t, misnamed, []byte("#!/bin/sh\nexec "+other+"\n"))
	junk := filepath.Join(bin, "dnw-schedule.junk")
	writeExe(t, junk, []byte("#!/bin/sh\necho not a plugin\n"))
	lockPath := filepath.Join(dir, "plugins.lock")
	t.Setenv("DNW_PLUGIN_PATH", bin)
	t.Setenv("DNW_PLUGIN_LOCK", lockPath)

	code, out, errOut := dnw(t, "plugins", "lock")
	if code != ExitUsage || !strings.Contains(out, "2 external plugins pinned") {
		t.Fatalf("lock: exit %d, want 2\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		misnamed + ": describes itself as schedule.other, not schedule.misnamed; name the file dnw-schedule.other",
		junk + ": does not start as a dnw plugin",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("lock's stderr lacks %q:\n%s", want, errOut)
		}
	}
	lock, err := pluginhost.ReadLock(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range lock.Plugins {
		ids = append(ids, e.ID)
	}
	if strings.Join(ids, " ") != "schedule.a schedule.b" {
		t.Errorf("locked %v, want schedule.a schedule.b", ids)
	}

	code, out, errOut = dnw(t, "plugins", "list")
	if code != ExitUsage {
		t.Errorf("list: exit %d, want 2\n%s", code, errOut)
	}
	for _, want := range []string{"schedule.a ", "schedule.b ", "schedule.cosine ", "schedule.misnamed ", "refused: not pinned"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, misnamed+": not pinned in "+lockPath) {
		t.Errorf("list's stderr does not name the refused file:\n%s", errOut)
	}

	os.Remove(misnamed)
	os.Remove(junk)
	if code, out, errOut := dnw(t, "plugins", "list"); code != ExitOK || strings.Contains(out, "refused") {
		t.Errorf("list of locked plugins: exit %d\n%s%s", code, out, errOut)
	}
}

func writeExe(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
}
