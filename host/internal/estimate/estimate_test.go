package estimate

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/config"
)

const experimentsDir = "../../../experiments"

// laptop is the memory the shipped experiments must fit without a warning.
const laptop = 16 << 30

func load(t *testing.T, path string, sets ...string) *config.Config {
	t.Helper()
	r, err := config.Load(path, sets)
	if err != nil {
		t.Fatal(err)
	}
	return &r.Config
}

// The model against what it was fitted to: base.toml's peak resident set, measured
// with /usr/bin/time at two batch sizes and two image sizes (3 steps, one evaluation).
func TestBaseMatchesMeasuredPeaks(t *testing.T) {
	for _, m := range []struct {
		size, batch string
		peak        float64 // bytes
	}{
		{"32", "4", 993160e3}, {"32", "32", 1418012e3}, {"64", "4", 1756076e3}, {"64", "32", 3336744e3},
	} {
		c := load(t, filepath.Join(experimentsDir, "base.toml"), "data.image_size="+m.size, "base.batch="+m.batch)
		got := Of(c, []string{"base"}, 1)[0].HostBytes(true)
		if r := got / m.peak; math.Abs(r-1) > 0.15 {
			t.Errorf("image_size %s, batch %s: estimate %s, measured %s (ratio %.2f)", m.size, m.batch, Bytes(got), Bytes(m.peak), r)
		}
	}
}

func TestShippedExperimentsFitALaptop(t *testing.T) {
	n := 0
	err := filepath.WalkDir(experimentsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".toml" {
			return err
		}
		if data, _ := os.ReadFile(p); strings.Contains("\n"+string(data), "\n[sweep]") {
			return nil
		}
		n++
		c := load(t, p)
		if w := Warnings(Of(c, nil, 2), laptop, true); len(w) > 0 {
			t.Errorf("%s: %s", p, strings.Join(w, "\n"))
		}
		return nil
	})
	if err != nil || n < 3 {
		t.Fatalf("%d experiments, %v", n, err)
	}
}

// Values within every key's bounds that cannot fit together are warned about, each
// naming its stage and the keys of its largest term.
func TestHugeConfigsWarn(t *testing.T) {
	quick := filepath.Join(experimentsDir, "quickstart.toml")
	for _, tc := range []struct {
		sets      []string
		stage     string
		key, what string
	}{
		{[]string{"base.batch=4096", "data.image_size=1024"}, "base", "base.batch = 4096", "memory"},
		{[]string{"data.pairs_per_concept=100000", "data.image_size=256"}, "pairs", "data.pairs_per_concept", "memory"},
		{[]string{"weightgen.chunk_size=65536", "weightgen.batch=4096"}, "weightgen", "weightgen.batch = 4096", "memory"},
		{[]string{"weightgen.widths=[4096, 4096, 4096]", "weightgen.batch=1"}, "weightgen", "parameters", "memory"},
		{[]string{"selftest.samples=10000000", "selftest.dim=4096"}, "sample", "selftest.samples", "memory"},
		{[]string{"base.steps=1000000", "data.image_size=256"}, "base", "base.steps = 1000000", "would take about"},
	} {
		c := load(t, quick, tc.sets...)
		w := strings.Join(Warnings(Of(c, nil, 1), laptop, true), "\n")
		if !strings.Contains(w, "stage "+tc.stage+" ") || !strings.Contains(w, tc.key) || !strings.Contains(w, tc.what) {
			t.Errorf("%v: want a warning about stage %s naming %q and %q, got:\n%s", tc.sets, tc.stage, tc.key, tc.what, w)
		}
	}
}

// On a GPU the activations and parameters are the device's: a batch that fills
// host memory on the CPU is no host-memory warning there, and times are not told.
func TestDeviceTermsLeaveHostMemory(t *testing.T) {
	c := load(t, filepath.Join(experimentsDir, "quickstart.toml"), "base.batch=4096", "data.image_size=512", "base.steps=1000000")
	stages := Of(c, []string{"base"}, 1)
	if w := Warnings(stages, laptop, true); len(w) != 2 {
		t.Errorf("on the CPU: %q", w)
	}
	if w := Warnings(stages, laptop, false); len(w) != 0 {
		t.Errorf("on a GPU: %q", w)
	}
	if w := Warnings(stages, 0, true); len(w) != 1 || strings.Contains(w[0], "memory") {
		t.Errorf("memory unknown: %q", w)
	}
}

func TestMemTotal(t *testing.T) {
	info := "MemTotal:       24683792 kB\nMemFree:         1234567 kB\n"
	if got := memTotal([]byte(info)); got != 24683792<<10 {
		t.Errorf("memTotal = %d", got)
	}
	for _, bad := range []string{"", "MemFree: 12 kB\n", "MemTotal: lots kB\n", "MemTotal: 12 MB\n"} {
		if got := memTotal([]byte(bad)); got != 0 {
			t.Errorf("memTotal(%q) = %d, want 0", bad, got)
		}
	}
	if _, err := os.Stat("/proc/meminfo"); err == nil && Memory() == 0 {
		t.Error("Memory() = 0 on a machine with /proc/meminfo")
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Bytes(512), "512 B"}, {Bytes(512 << 20), "512 MiB"}, {Bytes(23.5 * (1 << 30)), "23.5 GiB"},
		{Duration(90), "2 min"}, {Duration(9.5 * 3600), "9.5 h"}, {Duration(12 * 86400), "12 days"},
		{Duration(250 * 365 * 86400), "250 years"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
