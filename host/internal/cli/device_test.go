//go:build !dnw_cuda

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/runstore"
)

// These tests run in the default build, which has no CUDA backend: asking for a
// GPU must end the command before any work with exit code 2 and a message that
// names the key or flag and says what to do, never a panic.

// checkNoGPUMessage checks stderr of a command refused for want of the CUDA backend.
func checkNoGPUMessage(t *testing.T, code int, errOut, cmd, key string) {
	t.Helper()
	if code != ExitUsage {
		t.Errorf("exit %d, want %d\n%s", code, ExitUsage, errOut)
	}
	useCPU := key + ` = "cpu"`
	if strings.HasPrefix(key, "-") {
		useCPU = key + " cpu"
	}
	for _, want := range []string{"dnw " + cmd + ": ", key + ` = "cuda:0"`, "built without the CUDA backend", "make cuda", useCPU} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
		t.Errorf("stderr has a panic:\n%s", errOut)
	}
}

// quickSelftest is the shipped selftest at a few steps, in dir/f.toml, with extra
// lines under [experiment].
func quickSelftest(t *testing.T, dir, experiment string) string {
	t.Helper()
	abs, err := filepath.Abs(shipped + "selftest.toml")
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, "f.toml", "include = \""+abs+"\"\n\n[experiment]\n"+experiment+
		"\n[selftest]\nsteps = 10\nstep_delay = \"0s\"\n")
}

func TestRunDeviceFlagWithoutTheCUDABackend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, errOut := dnw(t, "run", shipped+"selftest.toml", "--out", dir, "--device", "cuda")
	checkNoGPUMessage(t, code, errOut, "run", "--device")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the refused run made its directory (%v)", err)
	}

	code, _, errOut = dnw(t, "run", shipped+"selftest.toml", "--out", dir, "--device", "gpu")
	if code != ExitUsage || !strings.Contains(errOut, `--device: device "gpu": want "cpu", "cuda" or "cuda:N"`) {
		t.Errorf("--device gpu: exit %d\n%s", code, errOut)
	}
}

// experiment.device is checked as --device is, and reported where it was set;
// --device wins over it, is recorded in config.toml and the manifest, and a
// resume on a device this binary lacks is refused before it touches the run.
func TestRunExperimentDevice(t *testing.T) {
	tmp := t.TempDir()
	f := quickSelftest(t, tmp, `device = "cuda"`)
	dir := filepath.Join(tmp, "run")
	code, _, errOut := dnw(t, "run", f, "--out", dir)
	checkNoGPUMessage(t, code, errOut, "run", "experiment.device")
	if !strings.Contains(errOut, f+":4: ") {
		t.Errorf("stderr does not name %s:4, where experiment.device is set:\n%s", f, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the refused run made its directory (%v)", err)
	}

	if code, _, errOut := dnw(t, "run", f, "--out", dir, "--device", "cpu"); code != ExitOK {
		t.Fatalf("--device cpu over experiment.device = \"cuda\": exit %d\n%s", code, errOut)
	}
	m, err := runstore.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Device != "cpu" {
		t.Errorf("manifest records device %q, want cpu", m.Device)
	}
	if code, out, _ := dnw(t, "status", dir); code != ExitOK || !strings.Contains(out, "\ndevice      cpu\n") {
		t.Errorf("status: exit %d, no device line:\n%s", code, out)
	}
	if code, _, errOut := dnw(t, "run", dir); code != ExitOK || strings.Count(errOut, "stage up to date") != 4 {
		t.Errorf("resumed without --device, the run left the CPU: exit %d\n%s", code, errOut)
	}

	before, err := os.ReadFile(filepath.Join(dir, runstore.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = dnw(t, "run", dir, "--device", "cuda:1")
	checkNoGPUMessage(t, code, strings.ReplaceAll(errOut, "cuda:1", "cuda:0"), "run", "--device")
	if after, _ := os.ReadFile(filepath.Join(dir, runstore.ManifestFile)); string(after) != string(before) {
		t.Error("the refused resume rewrote the manifest")
	}
}

// A config for a GPU validates on a machine without one: validate checks the name.
func TestValidateDoesNotNeedTheDevice(t *testing.T) {
	tmp := t.TempDir()
	if code, out, errOut := dnw(t, "validate", quickSelftest(t, tmp, `device = "cuda:1"`)); code != ExitOK {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	bad := filepath.Join(tmp, "bad")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	f := quickSelftest(t, bad, `device = "gpu"`)
	code, _, errOut := dnw(t, "validate", f)
	if want := f + `:4: experiment.device: "gpu" is not a device`; code != ExitUsage || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 2 and %q:\n%s", code, want, errOut)
	}
}

func TestPredictAndBenchDeviceWithoutTheCUDABackend(t *testing.T) {
	code, _, errOut := dnw(t, "predict", "--run", t.TempDir(), "--prompt", "x", "--device", "cuda")
	checkNoGPUMessage(t, code, errOut, "predict", "--device")
	code, _, errOut = dnw(t, "bench", "train", "--size", "16", "--device", "cuda:0")
	checkNoGPUMessage(t, code, errOut, "bench", "--device")
}

func TestVersionListsOnlyTheCPUBackend(t *testing.T) {
	code, out, _ := dnw(t, "version")
	if code != ExitOK || !strings.HasSuffix(out, "\nbackends  cpu\n") {
		t.Errorf("exit %d, want a last line \"backends  cpu\":\n%s", code, out)
	}
	code, out, _ = dnw(t, "version", "--json")
	if code != ExitOK || !strings.Contains(out, `"backends": [`) || !strings.Contains(out, `"dnw_version": `) {
		t.Errorf("--json: exit %d\n%s", code, out)
	}
}
