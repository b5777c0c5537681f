package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes name → content into a temporary directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadErrorsNameFileLineKeyAndHint(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // the whole error line, after the directory
	}{
		{"misspelt key", "[experiment]\nname = \"x\"\n\n[weightgen]\nchunck_size = 128\n",
			"f.toml:5: weightgen.chunck_size: unknown key; did you mean chunk_size?"},
		{"key in the wrong section", "[experiment]\nname = \"x\"\n[lora]\nchunk_size = 128\n",
			"f.toml:4: lora.chunk_size: unknown key; did you mean weightgen.chunk_size?"},
		{"key of an earlier version", "[experiment]\nname = \"x\"\n[collect]\nepsilon = 0.02\n",
			"f.toml:4: collect.epsilon: unknown key; it is now the converged filter's option: [extensions.options.converged] epsilon = …"},
		{"top-level key of a section", "seed = 3\n[experiment]\nname = \"x\"\n",
			"f.toml:1: seed: unknown section or key; did you mean experiment.seed?"},
		{"misspelt section", "[experiment]\nname = \"x\"\n[weightgn]\nsteps = 3\n",
			"f.toml:3: weightgn: unknown section or key; did you mean weightgen?"},
		{"wrong type", "[experiment]\nname = \"x\"\n[weightgen]\ntimesteps = \"1000\"\n",
			`f.toml:4: weightgen.timesteps: expected an integer, got string "1000"`},
		{"float for an integer", "[experiment]\nname = \"x\"\n[weightgen]\nchunk_size = 256.0\n",
			"f.toml:4: weightgen.chunk_size: expected an integer, got float 256"},
		{"array element type", "[experiment]\nname = \"x\"\n[finetune]\nmethods = [\"scratch\", 3]\n",
			"f.toml:4: finetune.methods: expected an array of strings, element 1 is integer 3"},
		{"out of range", "[experiment]\nname = \"x\"\n[lora]\nrank = 0\n",
			"f.toml:4: lora.rank: 0 is out of range (must be between 1 and 256)"},
		{"not in enum", "[experiment]\nname = \"x\"\n[weightgen]\nblock_index = \"sinusoid\"\n",
			`f.toml:4: weightgen.block_index: "sinusoid" is not one of sinusoidal, learned, none; did you mean sinusoidal?`},
		{"enum element", "[experiment]\nname = \"x\"\n[finetune]\nmethods = [\"scratch\", \"lora-zeros\"]\n",
			`f.toml:4: finetune.methods: element 1: "lora-zeros" is not one of scratch, lora-zero, lora-mean, lora-nearest, generated; did you mean lora-zero?`},
		{"missing required", "[experiment]\nseed = 1\n",
			"f.toml: experiment.name: missing required key; add name = ... under [experiment]"},
		{"bad name", "[experiment]\nname = \"has space\"\n",
			`f.toml:2: experiment.name: "has space" is not a valid name (letters, digits, '.', '_', '-'; not empty)`},
		{"plugin of the wrong kind", "[experiment]\nname = \"x\"\n[model]\narch = \"lora.e2gan\"\n",
			`f.toml:4: model.arch: "lora.e2gan" is not a arch plugin id (lowercase, like arch.NAME)`},
		{"device that is not one", "[experiment]\nname = \"x\"\ndevice = \"gpu\"\n",
			`f.toml:3: experiment.device: "gpu" is not a device (cpu, cuda, or cuda:N for the GPU numbered N = 0, 1, …)`},
		{"negative GPU", "[experiment]\nname = \"x\"\n\ndevice = \"cuda:-1\"\n",
			`f.toml:4: experiment.device: "cuda:-1" is not a device (cpu, cuda, or cuda:N for the GPU numbered N = 0, 1, …)`},
		{"GPU not a number", "[experiment]\ndevice = \"cuda:x\"\nname = \"x\"\n",
			`f.toml:2: experiment.device: "cuda:x" is not a device (cpu, cuda, or cuda:N for the GPU numbered N = 0, 1, …)`},
		{"bad duration", "[experiment]\nname = \"x\"\n[selftest]\nstep_delay = \"2 ms\"\n",
			`f.toml:4: selftest.step_delay: "2 ms" is not a duration such as "2ms" or "1m30s"`},
		{"section as a value", "experiment = 3\n",
			"f.toml: experiment.name: missing required key; add name = ... under [experiment]\n" +
				"f.toml:1: experiment: expected a table [experiment], got integer 3"},
		{"cross-key rule", "[experiment]\nname = \"x\"\n[weightgen]\ntimesteps = 100\n",
			"f.toml: weightgen.t_star: 1000 exceeds weightgen.timesteps = 100 (set t_star with timesteps; t_star = timesteps predicts from pure noise) (the default)"},
		{"cross-key rule at the key set", "[experiment]\nname = \"x\"\n[weightgen]\nt_star = 2000\n",
			"f.toml:4: weightgen.t_star: 2000 exceeds weightgen.timesteps = 1000 (set t_star with timesteps; t_star = timesteps predicts from pure noise)"},
		{"v loss without v output", "[experiment]\nname = \"x\"\n[weightgen]\noutput = \"epsilon\"\nloss = \"v\"\n",
			"f.toml:5: weightgen.loss: v needs weightgen.output = \"v\", not \"epsilon\"; with that output, set loss = \"epsilon\""},
		{"epsilon output with the default loss", "[experiment]\nname = \"x\"\n[weightgen]\noutput = \"epsilon\"\n",
			"f.toml: weightgen.loss: v needs weightgen.output = \"v\", not \"epsilon\"; with that output, set loss = \"epsilon\" (the default)"},
		{"t* share with DDIM", "[experiment]\nname = \"x\"\n[weightgen]\nsampler = \"ddim\"\nt_star_share = 0.5\n",
			"f.toml:5: weightgen.t_star_share: 0.5 trains at t_star, which sampler \"ddim\" does not read; it needs sampler = \"one-step\""},
		{"no deadline", "[experiment]\nname = \"x\"\n[extensions]\ndeadline = \"0s\"\n",
			"f.toml:4: extensions.deadline: 0s: a call needs a positive deadline"},
		{"syntax error", "[experiment]\nname = \"x\"\nseed = = 3\n",
			"f.toml:3: experiment.seed: expected value but found '=' instead"},
		{"duplicate key", "[experiment]\nname = \"x\"\nname = \"y\"\n",
			`f.toml:3: experiment.name: Key 'experiment.name' has already been defined.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"f.toml": tt.body})
			_, err := Load(filepath.Join(dir, "f.toml"), nil)
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v (%T), want Errors", err, err)
			}
			got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestLoadReportsEveryProblemInOrder(t *testing.T) {
	dir := writeFiles(t, map[string]string{"f.toml": "[experiment]\nname = \"x\"\n[lora]\nrnak = 3\nrank = -1\n[data]\nimage_size = 30\n"})
	_, err := Load(filepath.Join(dir, "f.toml"), nil)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Pos.Line)
	}
	if lines[0] != 4 || lines[1] != 5 || lines[2] != 7 {
		t.Errorf("lines %v, want [4 5 7]", lines)
	}
}

func TestIncludeOverridesAndKeepsOrigins(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base.toml":      "[experiment]\nname = \"base\"\nseed = 7\n\n[weightgen]\nchunk_size = 512\nsteps = 10\n",
		"abl/chunk.toml": "include = \"../base.toml\"\n\n[experiment]\nname = \"chunk\"\n\n[weightgen]\nchunk_size = 128\n",
	})
	r, err := Load(filepath.Join(dir, "abl/chunk.toml"), []string{"weightgen.steps=20"})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Config
	if c.Experiment.Name != "chunk" || c.Experiment.Seed != 7 || c.Weightgen.ChunkSize != 128 || c.Weightgen.Steps != 20 {
		t.Fatalf("resolved %+v %+v", c.Experiment, c.Weightgen)
	}
	for key, want := range map[string]string{
		"experiment.seed":      filepath.Join(dir, "base.toml") + ":3",
		"experiment.name":      filepath.Join(dir, "abl/chunk.toml") + ":4",
		"weightgen.chunk_size": filepath.Join(dir, "abl/chunk.toml") + ":7",
		"weightgen.steps":      "--set weightgen.steps=20",
	} {
		if pos, ok := r.Origin(key); !ok || pos.String() != want {
			t.Errorf("origin of %s = %v, want %s", key, pos, want)
		}
	}
	if _, ok := r.Origin("weightgen.lr"); ok {
		t.Error("a default value has an origin")
	}
}

func TestIncludeErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.toml":       "include = \"b.toml\"\n[experiment]\nname = \"a\"\n",
		"b.toml":       "include = [\"a.toml\"]\n",
		"missing.toml": "[experiment]\nname = \"m\"\ninclude = 3\n",
		"gone.toml":    "include = \"nowhere.toml\"\n[experiment]\nname = \"g\"\n",
		"bad-in.toml":  "include = \"bad.toml\"\n[experiment]\nname = \"g\"\n",
		"bad.toml":     "[weightgen]\nchunck_size = 1\n",
	})
	tests := map[string]string{
		"a.toml":       "B:1: include: include cycle: A → B → A",
		"missing.toml": "missing.toml:3: experiment.include: unknown key",
		"gone.toml":    "gone.toml:1: cannot read experiment file: NOWHERE: no such file or directory",
		"bad-in.toml":  "bad.toml:2: weightgen.chunck_size: unknown key; did you mean chunk_size?",
	}
	for file, want := range tests {
		_, err := Load(filepath.Join(dir, file), nil)
		if err == nil {
			t.Errorf("%s: no error", file)
			continue
		}
		got := strings.NewReplacer(filepath.Join(dir, "a.toml"), "A", filepath.Join(dir, "b.toml"), "B",
			filepath.Join(dir, "nowhere.toml"), "NOWHERE", dir+"/", "").Replace(err.Error())
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s:\n got: %s\nwant: %s…", file, got, want)
		}
	}
}

func TestOverrides(t *testing.T) {
	dir := writeFiles(t, map[string]string{"f.toml": "[experiment]\nname = \"x\"\n"})
	f := filepath.Join(dir, "f.toml")
	r, err := Load(f, []string{
		"model.arch=arch.pix2pix-unet", // bare string
		`experiment.description="a b"`, // quoted string
		"weightgen.widths=[8, 16, 32]",
		"weightgen.lr=3e-4",
		"data.skip_bad=true",
		"selftest.step_delay=5ms",
		`weightgen.options."schedule.cosine".s=0.008`,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Config
	if c.Model.Arch != "arch.pix2pix-unet" || c.Experiment.Description != "a b" ||
		len(c.Weightgen.Widths) != 3 || c.Weightgen.Widths[2] != 32 || c.Weightgen.LR != 3e-4 ||
		!c.Data.SkipBad || c.Selftest.StepDelay.Milliseconds() != 5 {
		t.Fatalf("overrides not applied: %+v", c)
	}
	if got := c.Weightgen.Options["schedule.cosine"].(map[string]any)["s"]; got != 0.008 {
		t.Errorf("plugin option = %v", got)
	}

	for arg, want := range map[string]string{
		"weightgen.chunck_size=128": "--set weightgen.chunck_size=128: weightgen.chunck_size: unknown key; did you mean chunk_size?",
		"weightgen.chunk_size=big":  `--set weightgen.chunk_size=big: weightgen.chunk_size: expected an integer, got string "big"`,
		"weightgen.chunk_size":      "--set weightgen.chunk_size: expected KEY=VALUE, e.g. --set weightgen.chunk_size=128",
		"nosuch=1":                  "--set nosuch=1: nosuch: unknown section or key",
	} {
		_, err := Load(f, []string{arg})
		if err == nil || err.Error() != want {
			t.Errorf("--set %s:\n got: %v\nwant: %s", arg, err, want)
		}
	}
}

func TestEmittedTOMLLoadsBackToTheSameConfig(t *testing.T) {
	dir := writeFiles(t, map[string]string{"f.toml": `
[experiment]
name = "round-trip"
description = "quotes \" and unicode é"
seed = 12

[model.options]
width = 48
heads = [2, 4]

[weightgen]
widths = [8, 16, 32]
lr = 1e-5

[weightgen.options."schedule.cosine"]
s = 0.008

[extensions]
deadline = "1m30s"
`})
	r, err := Load(filepath.Join(dir, "f.toml"), []string{"finetune.methods=[\"generated\"]"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "resolved.toml")
	if err := os.WriteFile(out, r.TOML("header", true), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := Load(out, nil)
	if err != nil {
		t.Fatalf("emitted TOML does not load: %v\n%s", err, r.TOML("header", true))
	}
	if diff := Diff(&r.Config, &back.Config); len(diff) > 0 {
		t.Errorf("keys differ after a round trip: %v", diff)
	}
}

func TestShowMarksNonDefaultValuesWithTheirOrigin(t *testing.T) {
	dir := writeFiles(t, map[string]string{"f.toml": "[experiment]\nname = \"x\"\n\n[weightgen]\nchunk_size = 256\nsteps = 10\n"})
	r, err := Load(filepath.Join(dir, "f.toml"), []string{"lora.rank=8"})
	if err != nil {
		t.Fatal(err)
	}
	out := string(r.TOML("h", true))
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, _, ok := strings.Cut(l, " = "); ok {
			lines[strings.TrimSpace(k)] = l
		}
	}
	for key, want := range map[string]string{
		"name":       "# * " + filepath.Join(dir, "f.toml") + ":2",
		"steps":      "", // several sections have steps; checked below
		"rank":       "# * --set lora.rank=8",
		"chunk_size": "", // set, but to the default: not marked
	} {
		if want != "" && !strings.HasSuffix(lines[key], want) {
			t.Errorf("line of %s = %q, want suffix %q", key, lines[key], want)
		}
	}
	if strings.Contains(lines["chunk_size"], "#") {
		t.Errorf("a value equal to its default is marked: %q", lines["chunk_size"])
	}
	if !strings.Contains(out, "steps = 10") || !strings.Contains(out, "f.toml:6") {
		t.Errorf("weightgen.steps not marked with its origin:\n%s", out)
	}
	if strings.Contains(lines["lr"], "#") {
		t.Errorf("a default value is marked: %q", lines["lr"])
	}
}

func TestDefaultsAreValid(t *testing.T) {
	r := &Resolved{Config: Default(), File: "defaults", origins: map[string]Pos{"experiment.name": {File: "x"}}}
	r.Config.Experiment.Name = "defaults"
	if errs := r.validate(); len(errs) > 0 {
		t.Fatalf("the defaults break the schema: %v", errs)
	}
}

func TestSchemaIsDocumented(t *testing.T) {
	for _, s := range Sections() {
		if s.Doc == "" {
			t.Errorf("section %s has no doc", s.Name)
		}
		for _, f := range s.Fields {
			if f.Doc == "" {
				t.Errorf("key %s has no doc", f.Key)
			}
		}
	}
}

// A device name only has to parse: Load does not ask whether this binary or
// machine has the device, so that dnw validate passes on a machine without a GPU.
func TestDeviceNamesLoad(t *testing.T) {
	for value, want := range map[string]string{"cpu": "cpu", "cuda": "cuda:0", "cuda:0": "cuda:0", "cuda:1": "cuda:1", "cuda:12": "cuda:12"} {
		dir := writeFiles(t, map[string]string{"f.toml": "[experiment]\nname = \"x\"\ndevice = \"" + value + "\"\n"})
		r, err := Load(filepath.Join(dir, "f.toml"), nil)
		if err != nil {
			t.Errorf("device = %q: %v", value, err)
			continue
		}
		if got := r.Config.Device().String(); got != want {
			t.Errorf("device = %q is %s, want %s", value, got, want)
		}
	}
	r, err := Load(filepath.Join(writeFiles(t, map[string]string{"f.toml": "[experiment]\nname = \"x\"\n"}), "f.toml"),
		[]string{"experiment.device=cuda:3"})
	if err != nil || r.Config.Device().String() != "cuda:3" {
		t.Errorf("--set experiment.device=cuda:3: %v, %+v", err, r)
	}
	if d := Default(); !d.Device().IsCPU() {
		t.Errorf("default device %s, want the CPU", d.Device())
	}
}
