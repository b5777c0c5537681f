package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// pretendMemory makes the machine's memory bytes for one test.
func pretendMemory(t *testing.T, bytes uint64) {
	old := machineMemory
	machineMemory = func() uint64 { return bytes }
	t.Cleanup(func() { machineMemory = old })
}

// The values of issue 19 that passed dnw validate and then crashed, ran out of
// memory or failed late: each is reported at its file and line, and validate exits 2.
func TestValidateRefusesValuesThatCrashLater(t *testing.T) {
	f := writeFile(t, t.TempDir(), "big.toml", `[experiment]
name = "big"
[data]
pairs_per_concept = 1000000000000
[model]
lambda_l1 = inf
[base]
steps = 1000000000000
batch = 1000000000000
[weightgen]
widths = [1000000000, 16, 16]
`)
	code, out, errOut := dnw(t, "validate", f)
	if code != ExitUsage || !strings.Contains(out, "FAIL  "+f+" (5 problems)") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		":4: data.pairs_per_concept: 1000000000000 is out of range",
		":6: model.lambda_l1: +Inf is not a finite number",
		":8: base.steps: 1000000000000 is out of range",
		":9: base.batch: 1000000000000 is out of range",
		":11: weightgen.widths: element 0: 1000000000 is out of range",
	} {
		if !strings.Contains(errOut, f+want) {
			t.Errorf("stderr lacks %q:\n%s", f+want, errOut)
		}
	}
}

// A valid file whose stages cannot fit the machine validates, with a warning that
// names the stage and the keys behind it; the shipped experiments fit a 16 GiB
// machine without one.
func TestValidateWarnsOfStagesThatDoNotFit(t *testing.T) {
	pretendMemory(t, 16<<30)
	code, out, errOut := dnw(t, "validate", shipped+"quickstart.toml",
		"--set", "base.batch=4096", "--set", "data.image_size=1024")
	want := "dnw validate: warning: " + shipped + "quickstart.toml: stage base needs about 56.2 TiB of memory, more than this machine's 16.0 GiB; the largest part is the activations of a training step of base.batch = 4096 pairs"
	if code != ExitOK || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 0 and %q:\n%s%s", code, want, out, errOut)
	}

	// Every shipped file: package estimate's TestShippedExperimentsFitALaptop.
	code, out, errOut = dnw(t, "validate", shipped+"quickstart.toml", shipped+"paper-small.toml")
	if code != ExitOK || strings.Contains(errOut, "warning") {
		t.Errorf("shipped experiments: exit %d\n%s%s", code, out, errOut)
	}
}

// dnw run warns too, before any stage starts, and goes on.
func TestRunWarnsOfStagesThatDoNotFit(t *testing.T) {
	pretendMemory(t, 1<<20)
	code, out, errOut := dnw(t, "run", shipped+"selftest.toml", "--out", filepath.Join(t.TempDir(), "run"), "--until", "sample")
	want := "stage sample needs about 257 MiB of memory, more than this machine's 1.0 MiB"
	if code != ExitOK || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 0 and %q:\n%s%s", code, want, out, errOut)
	}
}

// An ε-output denoiser read in one step where α_t* is tiny divides its error by α:
// validate refuses it at the file and key, and accepts v output at the same t*.
func TestValidateRefusesEpsilonOutputAtPureNoise(t *testing.T) {
	f := writeFile(t, t.TempDir(), "eps.toml", `[experiment]
name = "eps"
[weightgen]
output = "epsilon"
loss = "epsilon"
t_star = 1000
`)
	code, out, errOut := dnw(t, "validate", f)
	want := f + `:4: weightgen.output: output "epsilon" read in one step at t* = 1000 divides the predicted noise's error by α_t* = 0.00635 (157×); use output = "v", or a t* where α_t ≥ 0.1`
	if code != ExitUsage || !strings.Contains(errOut, want) {
		t.Fatalf("exit %d, want 2 and %q:\n%s%s", code, want, out, errOut)
	}
	if code, out, errOut := dnw(t, "validate", f, "--set", "weightgen.t_star=500"); code != ExitOK {
		t.Errorf("t* = 500 (α = 0.28): exit %d\n%s%s", code, out, errOut)
	}
}
