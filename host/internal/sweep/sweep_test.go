package sweep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// write puts a base experiment and a sweep file over it in a temporary directory
// and returns the sweep file's path.
func write(t *testing.T, sweep string) string {
	t.Helper()
	dir := t.TempDir()
	base := "[experiment]\nname = \"b\"\n[weightgen]\nchunk_size = 256\n"
	if err := os.WriteFile(filepath.Join(dir, "base.toml"), []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "s.toml")
	if err := os.WriteFile(p, []byte(sweep), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const twoAxes = `base = "base.toml"
[sweep]
name = "s"
combine = "%s"
trials = 3

[[ablation]]
key = "weightgen.chunk_size"
values = [128, 256]

[[ablation]]
name = "schedule"
[[ablation.variant]]
name = "linear"
set = { "weightgen.schedule" = "schedule.linear" }
[[ablation.variant]]
name = "cosine"
set = { "weightgen.schedule" = "schedule.cosine", "weightgen.t_star" = 900 }
`

func trialNames(t *testing.T, combine string) []string {
	t.Helper()
	f, err := Load(write(t, strings.Replace(twoAxes, "%s", combine, 1)))
	if err != nil {
		t.Fatal(err)
	}
	trials, err := f.Trials()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tr := range trials {
		names = append(names, tr.Name)
	}
	return names
}

func TestAxesCombine(t *testing.T) {
	grid := trialNames(t, "grid")
	want := []string{"chunk_size=128, linear", "chunk_size=128, cosine", "chunk_size=256, linear", "chunk_size=256, cosine"}
	if strings.Join(grid, "|") != strings.Join(want, "|") {
		t.Errorf("grid: %q", grid)
	}
	if zip := trialNames(t, "zip"); strings.Join(zip, "|") != "chunk_size=128, linear|chunk_size=256, cosine" {
		t.Errorf("zip: %q", zip)
	}
	random := trialNames(t, "random")
	if len(random) != 3 || strings.Join(random, "|") != strings.Join(trialNames(t, "random"), "|") {
		t.Errorf("random: %q (want 3 grid trials, the same on every draw with one seed)", random)
	}
	for _, r := range random {
		if !strings.Contains(strings.Join(grid, "|"), r) {
			t.Errorf("random drew %q, which is not in the grid", r)
		}
	}
}

func TestTrialsResolveWithTheirKeys(t *testing.T) {
	f, err := Load(write(t, strings.Replace(twoAxes, "%s", "grid", 1)))
	if err != nil {
		t.Fatal(err)
	}
	trials, _ := f.Trials()
	r, err := f.Resolve(trials[1], []string{"weightgen.steps=7"})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Config
	if c.Experiment.Name != "s-001" || c.Weightgen.ChunkSize != 128 || c.Weightgen.Schedule != "schedule.cosine" ||
		c.Weightgen.TStar != 900 || c.Weightgen.Steps != 7 {
		t.Errorf("trial 1: name %s, chunk %d, schedule %s, t* %d, steps %d", c.Experiment.Name, c.Weightgen.ChunkSize,
			c.Weightgen.Schedule, c.Weightgen.TStar, c.Weightgen.Steps)
	}
	base, _ := f.Resolve(trials[0], nil)
	if got := f.Changes(trials[1], &base.Config, &c); strings.Join(got, "; ") !=
		"weightgen.chunk_size = 128 (as the base); weightgen.schedule = schedule.cosine (base schedule.linear); weightgen.t_star = 900 (base 1000)" {
		t.Errorf("changes: %q", got)
	}
}

func TestProblemsNameTheSweepFilesLines(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"unknown key", "base = \"base.toml\"\n[sweep]\nname = \"s\"\ncombin = \"zip\"\n[[ablation]]\nkey = \"weightgen.chunk_size\"\nvalues = [1]\n",
			"s.toml:4: sweep.combin: unknown key"},
		{"no axes", "base = \"base.toml\"\n[sweep]\nname = \"s\"\n", "s.toml: ablation: no [[ablation]] axes"},
		{"bad combine", "base = \"base.toml\"\n[sweep]\nname = \"s\"\ncombine = \"all\"\n[[ablation]]\nkey = \"weightgen.chunk_size\"\nvalues = [1]\n",
			`s.toml:4: sweep.combine: "all" is none of grid, zip, random`},
		{"no values", "base = \"base.toml\"\n[sweep]\nname = \"s\"\n[[ablation]]\nkey = \"weightgen.chunk_size\"\n",
			"s.toml:5: ablation[1].values: missing"},
	} {
		_, err := Load(write(t, c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// A value the experiment schema refuses is reported at its values line.
	f, err := Load(write(t, "base = \"base.toml\"\n[sweep]\nname = \"s\"\n[[ablation]]\nkey = \"weightgen.chunk_size\"\nvalues = [128,\n  \"big\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	trials, _ := f.Trials()
	if _, err := f.Resolve(trials[1], nil); err == nil || !strings.Contains(err.Error(), "s.toml:6: weightgen.chunk_size") {
		t.Errorf("a bad value: %v", err)
	}
	// Zipped axes must have as many values.
	f, _ = Load(write(t, strings.Replace(strings.Replace(twoAxes, "%s", "zip", 1), "values = [128, 256]", "values = [128, 256, 512]", 1)))
	if _, err := f.Trials(); err == nil || !strings.Contains(err.Error(), "zipped axes need as many") {
		t.Errorf("zip of unequal axes: %v", err)
	}
}

func TestShippedSweepsResolve(t *testing.T) {
	files, _ := filepath.Glob("../../../experiments/ablations/*.toml")
	n := 0
	for _, p := range files {
		if !IsSweep(p) {
			continue
		}
		n++
		f, err := Load(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		trials, err := f.Trials()
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		for _, tr := range trials {
			if _, err := f.Resolve(tr, nil); err != nil {
				t.Errorf("%s, trial %d: %v", p, tr.Index, err)
			}
		}
	}
	if n == 0 {
		t.Error("no sweep files in experiments/ablations")
	}
}
