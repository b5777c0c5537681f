package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// Values that once passed validation and then crashed a stage, ran out of memory or
// failed late (issue 19), and non-finite numbers anywhere: each is refused at load
// time, at its file and line.
func TestOutOfBoundsAndNonFiniteValuesAreRefused(t *testing.T) {
	const head = "[experiment]\nname = \"x\"\n"
	tests := []struct {
		name, body string
		want       string // the error line, after the directory
	}{
		{"a batch of 10^12 (makeslice panic)", head + "[base]\nbatch = 1000000000000\n",
			"f.toml:4: base.batch: 1000000000000 is out of range (must be between 1 and 4096)"},
		{"a width of 10^9", head + "[weightgen]\nwidths = [1000000000, 16, 16]\n",
			"f.toml:4: weightgen.widths: element 0: 1000000000 is out of range (must be between 1 and 4096)"},
		{"10^12 pairs per concept (out of memory)", head + "[data]\npairs_per_concept = 1000000000000\n",
			"f.toml:4: data.pairs_per_concept: 1000000000000 is out of range (must be between 1 and 100000)"},
		{"10^12 steps (an ETA of 250 years)", head + "[base]\nsteps = 1000000000000\n",
			"f.toml:4: base.steps: 1000000000000 is out of range (must be between 1 and 1000000)"},
		{"inf (a fingerprint JSON error after the data stages)", head + "[model]\nlambda_l1 = inf\n",
			"f.toml:4: model.lambda_l1: +Inf is not a finite number"},
		{"nan where only a minimum was set", head + "[lora]\nalpha = nan\n",
			"f.toml:4: lora.alpha: NaN is not a finite number"},
		{"-inf inside a range", head + "[base]\nlr = -inf\n",
			"f.toml:4: base.lr: -Inf is not a finite number"},
		{"nan in a plugin's options", head + "[model.options]\nwidth = nan\n",
			"f.toml:4: model.options.width: float NaN is not a finite number (an option cannot be nan or inf)"},
		{"inf in an array of plugin options", head + "[weightgen.options.\"schedule.cosine\"]\ns = [1.0, inf]\n",
			`f.toml:4: weightgen.options."schedule.cosine".s: an array is not a finite number (an option cannot be nan or inf)`},
		{"a duration past its bound", head + "[extensions]\ndeadline = \"48h\"\n",
			"f.toml:4: extensions.deadline: 48h0m0s is out of range (must be ≤ 24h)"},
		{"a seed past 2^53", head + "seed = 9007199254740993\n",
			"f.toml:3: experiment.seed: 9007199254740993 is out of range (must be between 0 and 9007199254740991)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"f.toml": tc.body})
			_, err := Load(filepath.Join(dir, "f.toml"), nil)
			if err == nil {
				t.Fatal("loaded without error")
			}
			if want := filepath.Join(dir, tc.want); !strings.Contains(err.Error(), want) {
				t.Errorf("got:\n%v\nwant a line:\n%s", err, want)
			}
		})
	}
}

// --set values are checked as a file's are, and located at the override.
func TestNonFiniteOverrideIsRefused(t *testing.T) {
	dir := writeFiles(t, map[string]string{"f.toml": "[experiment]\nname = \"x\"\n"})
	_, err := Load(filepath.Join(dir, "f.toml"), []string{"model.lambda_l1=inf", "weightgen.guidance=nan"})
	for _, want := range []string{"--set model.lambda_l1=inf: model.lambda_l1: +Inf is not a finite number",
		"--set weightgen.guidance=nan: weightgen.guidance: NaN is not a finite number"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}
