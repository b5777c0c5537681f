package cli

import (
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
