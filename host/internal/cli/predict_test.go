package cli

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/safetensors"
)

func TestPredictWritesALoRA(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, errOut := dnw(t, "run", shipped+"tiny.toml", "--out", run, "--until", "weightgen"); code != ExitOK {
		t.Fatal(errOut)
	}
	for _, sampler := range []string{"one-step", "ddim"} {
		out := filepath.Join(dir, sampler+".safetensors")
		code, stdout, errOut := dnw(t, "predict", "--run", run, "--prompt", "Grey hair, old photo!", "--sampler", sampler, "--out", out)
		if code != ExitOK || !strings.Contains(stdout, "time: text encoding") || !strings.Contains(stdout, "in one batch") {
			t.Fatalf("exit %d\n%s%s", code, stdout, errOut)
		}
		f, err := safetensors.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if f.Metadata["dnw.prompt"] != "Grey hair, old photo!" || len(f.Tensors) == 0 || !strings.HasPrefix(f.Metadata["dnw.sampler"], sampler[:4]) {
			t.Errorf("%s: metadata %v, %d tensors", sampler, f.Metadata, len(f.Tensors))
		}
	}
	code, stdout, _ := dnw(t, "predict", "--run", run, "--prompt", "Grey hair, old photo!")
	if want := filepath.Join(run, "predictions", "grey-hair-old-photo.safetensors"); code != ExitOK || !strings.HasPrefix(stdout, want) {
		t.Errorf("default output: exit %d\n%s", code, stdout)
	}
}

func TestPredictNeedsATrainedRun(t *testing.T) {
	code, _, errOut := dnw(t, "predict", "--run", t.TempDir(), "--prompt", "x")
	if code != ExitFailure || !strings.Contains(errOut, "has the run's weightgen stage finished?") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	code, _, errOut = dnw(t, "predict", "--prompt", "x")
	if code != ExitUsage || !strings.Contains(errOut, "--run and --prompt are required") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// The flags that stand in for weightgen keys keep those keys' ranges (issue 19: nan
// and 1e308 wrote LoRAs of nan and inf; 0 and -5 fell back to the run's values
// silently). A bad flag exits 2, names itself and writes nothing.
func TestPredictFlagsKeepTheConfigRanges(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, errOut := dnw(t, "run", shipped+"tiny.toml", "--out", run, "--until", "weightgen"); code != ExitOK {
		t.Fatal(errOut)
	}
	out := filepath.Join(dir, "lora.safetensors")
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--guidance", "NaN"}, "--guidance NaN: not a finite number"},
		{[]string{"--guidance", "1e308"}, "--guidance 1e+308: out of range (must be between 0 and 20, as weightgen.guidance)"},
		{[]string{"--guidance", "-5"}, "--guidance -5: out of range (must be between 0 and 20, as weightgen.guidance)"},
		{[]string{"--t-star", "0"}, "--t-star 0: out of range (must be between 1 and 100000, as weightgen.t_star)"},
		{[]string{"--ddim-steps", "0", "--sampler", "ddim"}, "--ddim-steps 0: out of range (must be between 1 and 100000, as weightgen.ddim_steps)"},
		{[]string{"--t-star", "1001"}, "--t-star 1001 exceeds the run's weightgen.timesteps = 1000"},
		{[]string{"--ddim-steps", "1001", "--sampler", "ddim"}, "--ddim-steps 1001 exceeds the run's weightgen.timesteps = 1000"},
	} {
		args := append([]string{"predict", "--run", run, "--prompt", "grey hair", "--out", out}, tc.flags...)
		code, _, errOut := dnw(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", tc.flags, code, tc.want, errOut)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v: wrote %s", tc.flags, out)
		}
	}
	// In range, the flags are used, not the run's values.
	code, stdout, errOut := dnw(t, "predict", "--run", run, "--prompt", "grey hair", "--out", out, "--t-star", "7", "--guidance", "0")
	if code != ExitOK || !strings.Contains(stdout, "t* = 7, guidance 0)") {
		t.Fatalf("exit %d\n%s%s", code, stdout, errOut)
	}
	os.Remove(out)

	// A denoiser that predicts nan (damaged here, as a diverged one would) writes no LoRA.
	path := filepath.Join(run, "stages/weightgen/denoiser.safetensors")
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Tensors["weightgen/mean"].Data[0] = float32(math.NaN())
	if err := safetensors.WriteFile(path, f); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = dnw(t, "predict", "--run", run, "--prompt", "grey hair", "--out", out)
	if code != ExitFailure || !strings.Contains(errOut, "the prediction's weight 0 is NaN") || !strings.Contains(errOut, "nothing written") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("wrote a LoRA of nan to %s", out)
	}
}
