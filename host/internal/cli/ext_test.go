package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/extensions/exttest"
	"dnw/host/internal/runstore"
)

func TestExtListShowsTheBuiltinsAndAnExperimentsExtensions(t *testing.T) {
	code, out, errOut := dnw(t, "ext", "list")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"psnr", "metric ↑", "l1", "metric ↓", "ssim", "frd",
		"converged", "filter (checkpoints)", "dedupe-concepts", "filter (concepts)", "pair-quality", "filter (pairs)", "min_change, min_contrast"} {
		if !strings.Contains(out, want) {
			t.Errorf("ext list lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	f := writeFile(t, dir, "x.toml", "[experiment]\nname = \"x\"\n[metrics]\nextra = [\"ssim\"]\n[filters]\npairs = [\"pair-quality\"]\n")
	code, out, errOut = dnw(t, "ext", "list", f)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range [][]string{{"metrics.primary", "psnr"}, {"metrics.extra", "ssim"}, {"filters.pairs", "pair-quality"}, {"filters.checkpoints", "converged"}} {
		if !slices.ContainsFunc(strings.Split(out, "\n"), func(line string) bool {
			return slices.Equal(strings.Fields(line)[:min(2, len(strings.Fields(line)))], want)
		}) {
			t.Errorf("ext list %s lacks a row %v:\n%s", f, want, out)
		}
	}
}

func TestExtTestRunsAModuleOnSampleData(t *testing.T) {
	dir := os.Getenv("DNW_EXT_DIR")
	for _, c := range []struct{ name, want string }{
		{"psnr", "target + noise 0    100"},
		{"frd", "ok: frd answers the ABI consistently"},
		{"converged", "kept 7 of 8"},
		{"dedupe-concepts", "drop     cosine 1.000 with c0"},
		{"pair-quality", "drop     target ≈ source"},
	} {
		code, out, errOut := dnw(t, "ext", "test", filepath.Join(dir, c.name+".wasm"), "--batch", "8", "--size", "32", "--calls", "2")
		if code != ExitOK || !strings.Contains(out, c.want) || !strings.Contains(out, "ok: "+c.name) {
			t.Errorf("ext test %s: exit %d, want %q in\n%s%s", c.name, code, c.want, out, errOut)
		}
	}
	// Options are checked against the module's schema.
	code, _, errOut := dnw(t, "ext", "test", filepath.Join(dir, "converged.wasm"), "--options", `{"epsilon": -1}`)
	if code != ExitFailure || !strings.Contains(errOut, "converged.wasm") || !strings.Contains(errOut, "invalid options") {
		t.Errorf("bad options: exit %d, %s", code, errOut)
	}
	// A file that is not a module fails with its name.
	bad := writeFile(t, t.TempDir(), "bad.wasm", "not wasm")
	if code, _, errOut := dnw(t, "ext", "test", bad); code != ExitFailure || !strings.Contains(errOut, bad) {
		t.Errorf("not a module: exit %d, %s", code, errOut)
	}
}

func TestValidateNamesABadExtensionReference(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "x.toml", "[experiment]\nname = \"x\"\n\n[metrics]\nprimary = \"converged\"\nextra = [\"nope\", \"ssim\"]\n\n"+
		"[filters]\nconcepts = [\"pair-quality\"]\n\n[extensions.options.psnr]\nwindow = 3\n\n[extensions.options.ssim]\nwindow = 3\n")
	code, out, errOut := dnw(t, "validate", f)
	if code == ExitOK {
		t.Fatalf("validated:\n%s", out)
	}
	for _, want := range []string{
		f + ":5: metrics.primary: converged is a filter extension, not a metric",
		f + `:6: metrics.extra: extension "nope": not a built-in`,
		f + ":9: filters.concepts: pair-quality filters pairs, but this hook passes concepts",
		f + ":12: extensions.options.psnr: options for psnr, which this experiment does not use",
		f + ":15: extensions.options.ssim: extension ssim (",
		"invalid options: it takes no options, but got [window]",
	} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("validate lacks %q:\n%s%s", want, out, errOut)
		}
	}
}

func TestRunRecordsItsExtensionsAndRerunsWhenOneChanges(t *testing.T) {
	dir := t.TempDir()
	module := filepath.Join(dir, "my-metric.wasm")
	copyFile(t, filepath.Join(os.Getenv("DNW_EXT_DIR"), "psnr.wasm"), module)
	run := filepath.Join(dir, "run")
	args := []string{"run", shipped + "tiny.toml", "--out", run, "--until", "collect", "--set", "metrics.primary=" + module}
	if code, _, errOut := dnw(t, args...); code != ExitOK {
		t.Fatal(errOut)
	}
	before := readManifest(t, run)
	var recorded []string
	for _, e := range before.Extensions {
		recorded = append(recorded, e.Key+" "+e.Name)
		if e.Key == "metrics.primary" && (e.Ref != module || len(e.SHA256) != 64) {
			t.Errorf("manifest records %+v", e)
		}
	}
	if strings.Join(recorded, ", ") != "metrics.primary psnr, filters.checkpoints converged" {
		t.Errorf("manifest extensions: %v", recorded)
	}
	// Another module under the same name: collect, which scores with it, runs
	// again; the stages before it do not.
	copyFile(t, filepath.Join(os.Getenv("DNW_EXT_DIR"), "l1.wasm"), module)
	if code, _, errOut := dnw(t, args...); code != ExitOK {
		t.Fatal(errOut)
	}
	after := readManifest(t, run)
	for _, name := range []string{"concepts", "pairs", "base", "collect"} {
		changed := before.Stage(name).Fingerprint != after.Stage(name).Fingerprint
		if changed != (name == "collect") {
			t.Errorf("stage %s: fingerprint changed %v", name, changed)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readManifest(t *testing.T, run string) *runstore.Manifest {
	t.Helper()
	m, err := runstore.ReadManifest(run)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// An extension written in WebAssembly text, not Go, passes dnw ext test: the ABI
// is language-neutral.
func TestExtTestPassesTheWATExtension(t *testing.T) {
	module := exttest.WAT(t, "plugins/examples/wat-mse/mse.wat")
	code, out, errOut := dnw(t, "ext", "test", module, "--batch", "4", "--size", "16")
	if code != ExitOK || !strings.Contains(out, `"name": "mse-wat"`) || !strings.Contains(out, "target + noise 0    0 ") ||
		!strings.Contains(out, "ok: mse-wat answers the ABI consistently") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// --options reaches the module (a looser epsilon keeps the checkpoint that the
// default drops), and --deadline bounds each call: a guest that spins forever fails
// at it, named, instead of at the default 30 s.
func TestExtTestOptionsAndDeadline(t *testing.T) {
	converged := filepath.Join(os.Getenv("DNW_EXT_DIR"), "converged.wasm")
	code, out, errOut := dnw(t, "ext", "test", converged, "--batch", "8", "--calls", "1", "--options", `{"epsilon": 1}`)
	if code != ExitOK || !strings.Contains(out, "kept 8 of 8") {
		t.Errorf("--options epsilon=1: exit %d, want kept 8 of 8 in\n%s%s", code, out, errOut)
	}

	loop := exttest.Guest(t, "host/internal/extensions/testdata/hostile/loop")
	code, _, errOut = dnw(t, "ext", "test", loop, "--batch", "2", "--size", "8", "--deadline", "200ms")
	if code != ExitFailure || !strings.Contains(errOut, loop) || !strings.Contains(errOut, "exceeded its deadline of 200ms") {
		t.Errorf("--deadline 200ms: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := dnw(t, "ext", "test", loop, "--deadline", "0s"); code != ExitUsage || !strings.Contains(errOut, "--deadline must be positive") {
		t.Errorf("--deadline 0s: exit %d\n%s", code, errOut)
	}
}
