package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunLoadsALockedExternalPlugin builds the example plugin, locks it, and runs an
// experiment that names it: the run checks its options, calls it, records its id,
// version and checksum in the manifest, and refuses it once the binary changes.
func TestRunLoadsALockedExternalPlugin(t *testing.T) {
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	bin := filepath.Join(pluginDir, "dnw-schedule.polynomial")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "../../../plugins/examples/polynomial-schedule"
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the example plugin: %v\n%s", err, out)
	}
	env := append(os.Environ(), "DNW_PLUGIN_PATH="+pluginDir, "DNW_PLUGIN_LOCK="+filepath.Join(dir, "plugins.lock"))
	dnwEnv := func(args ...string) (string, int) {
		cmd := exec.Command(dnwBin, args...)
		cmd.Env = env
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	if out, code := dnwEnv("plugins", "lock"); code != 0 || !strings.Contains(out, "1 external plugins pinned") {
		t.Fatalf("lock: exit %d\n%s", code, out)
	}
	run := filepath.Join(dir, "run")
	args := []string{"run", "../../../experiments/selftest.toml", "--out", run,
		"--set", "selftest.steps=20", "--set", "selftest.step_delay=0s",
		"--set", "weightgen.schedule=schedule.polynomial",
		"--set", `weightgen.options."schedule.polynomial".power=3.0`}
	if out, code := dnwEnv(args...); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, out)
	}
	var m struct {
		Plugins []struct{ ID, Kind, Version, SHA256 string } `json:"plugins"`
	}
	data, _ := os.ReadFile(filepath.Join(run, "manifest.json"))
	json.Unmarshal(data, &m)
	raw, _ := os.ReadFile(bin)
	sum := sha256.Sum256(raw)
	found := false
	for _, p := range m.Plugins {
		if p.ID == "schedule.polynomial" {
			found = p.Kind == "schedule" && p.Version == "0.1.0" && p.SHA256 == hex.EncodeToString(sum[:])
		}
	}
	if !found || len(m.Plugins) != 5 {
		t.Errorf("manifest plugins %+v", m.Plugins)
	}
	// The self-test's plugins stage called it: ᾱ_1 = (1 − 1/1000)³, ᾱ_T = the floor 1e-4.
	var pc struct {
		First float64 `json:"alpha_bar_first"`
		Last  float64 `json:"alpha_bar_last"`
	}
	data, _ = os.ReadFile(filepath.Join(run, "stages/plugins/plugins.json"))
	json.Unmarshal(data, &pc)
	if math.Abs(pc.First-math.Pow(0.999, 3)) > 1e-12 || pc.Last != 1e-4 {
		t.Errorf("plugins.json: ᾱ_1 = %v, ᾱ_T = %v", pc.First, pc.Last)
	}

	bad := append(args[:len(args)-1], `weightgen.options."schedule.polynomial".power=99.0`)
	if out, code := dnwEnv(bad...); code != 2 || !strings.Contains(out, `weightgen.options."schedule.polynomial".power: plugin schedule.polynomial: 99 is out of range`) {
		t.Errorf("bad option: exit %d\n%s", code, out)
	}

	os.WriteFile(bin, append(raw, 0), 0o755)
	if out, code := dnwEnv(args...); code != 2 || !strings.Contains(out, "refusing plugin schedule.polynomial") {
		t.Errorf("tampered plugin: exit %d\n%s", code, out)
	}
}
