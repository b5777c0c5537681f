package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dnw runs the CLI in process and returns its exit code, stdout and stderr.
func dnw(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const shipped = "../../../experiments/"

func TestValidateShippedExperiments(t *testing.T) {
	files, _ := filepath.Glob(shipped + "*.toml")
	more, _ := filepath.Glob(shipped + "ablations/*.toml")
	files = append(files, more...)
	code, out, errOut := dnw(t, append([]string{"validate"}, files...)...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if got := strings.Count(out, "ok    "); got != len(files) {
		t.Errorf("%d ok lines for %d files:\n%s", got, len(files), out)
	}
}

func TestValidateMisspeltKeyExits2WithLocationAndSuggestion(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "bad.toml", "[experiment]\nname = \"bad\"\n\n[weightgen]\nchunck_size = 128\n")
	code, out, errOut := dnw(t, "validate", f)
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	want := f + ":5: weightgen.chunck_size: unknown key; did you mean chunk_size?"
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
	if !strings.Contains(out, "FAIL  "+f) {
		t.Errorf("stdout does not mark the file failed:\n%s", out)
	}
}

func TestShowMarksOverriddenValues(t *testing.T) {
	code, out, errOut := dnw(t, "show", shipped+"ablations/chunk-128.toml", "--set", "weightgen.steps=77")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	quickstart, err := os.ReadFile(shipped + "quickstart.toml")
	if err != nil {
		t.Fatal(err)
	}
	seedLine := 1 + slices.IndexFunc(strings.Split(string(quickstart), "\n"), func(l string) bool { return strings.HasPrefix(l, "seed = ") })
	for _, want := range []string{
		"chunk_size = 128", "# * " + shipped + "ablations/chunk-128.toml:10",
		"steps = 77", "# * --set weightgen.steps=77",
		"seed = 1", fmt.Sprintf("# * %squickstart.toml:%d", shipped, seedLine),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q", want)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "chunker = ") && strings.Contains(line, "#") {
			t.Errorf("default value marked: %q", line)
		}
	}
}

func TestSetWithUnknownKeyFailsLikeABadFile(t *testing.T) {
	for _, cmd := range []string{"show", "validate", "run"} {
		code, _, errOut := dnw(t, cmd, shipped+"selftest.toml", "--set", "selftest.stpes=3")
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want 2", cmd, code)
		}
		if want := "--set selftest.stpes=3: selftest.stpes: unknown key; did you mean steps?"; !strings.Contains(errOut, want) {
			t.Errorf("%s: stderr lacks %q:\n%s", cmd, want, errOut)
		}
	}
}

func TestHelpIsUsefulEverywhere(t *testing.T) {
	code, out, _ := dnw(t, "--help")
	if code != ExitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, c := range commands {
		if !c.hidden && !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("overview lacks %s", c.name)
		}
		code, out, _ := dnw(t, c.name, "--help")
		if code != ExitOK || !strings.Contains(out, "Usage: dnw "+c.name) || len(out) < 200 {
			t.Errorf("dnw %s --help: exit %d\n%s", c.name, code, out)
		}
	}
	if code, _, _ := dnw(t); code != ExitUsage {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	code, _, errOut := dnw(t, "stauts")
	if code != ExitUsage || !strings.Contains(errOut, `did you mean "status"?`) {
		t.Errorf("misspelt command: exit %d, %s", code, errOut)
	}
	code, _, errOut = dnw(t, "run", "--bogus")
	if code != ExitUsage || !strings.Contains(errOut, "flag provided but not defined: -bogus") {
		t.Errorf("unknown flag: exit %d, %s", code, errOut)
	}
}

func TestRunSelftestThenRerunSkipsEverything(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	args := []string{"run", shipped + "selftest.toml", "--out", dir,
		"--set", "selftest.steps=200", "--set", "selftest.step_delay=0s"}
	code, out, errOut := dnw(t, args...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"status      done", "plugins", "sample", "fit", "200/200 steps", "summarize"} {
		if !strings.Contains(out, want) {
			t.Errorf("final status lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"config.toml", "manifest.json", "logs/dnw.log", "stages/summarize/summary.json", "stages/plugins/plugins.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory lacks %s", f)
		}
	}

	code, _, errOut = dnw(t, "run", dir) // resume by directory
	if code != ExitOK || strings.Count(errOut, "stage up to date") != 4 || strings.Contains(errOut, "stage started") {
		t.Errorf("rerun did work: exit %d\n%s", code, errOut)
	}

	// A key only fit depends on reruns fit and summarize, not sample.
	code, _, errOut = dnw(t, append(args, "--set", "selftest.lr=0.02")...)
	if code != ExitOK || !strings.Contains(errOut, "stage up to date stage=sample") ||
		!strings.Contains(errOut, "keys=selftest.lr") || strings.Count(errOut, "stage started") != 2 {
		t.Errorf("changed selftest.lr: exit %d\n%s", code, errOut)
	}

	code, out, _ = dnw(t, "status", dir, "--artifacts")
	if code != ExitOK || !strings.Contains(out, "stages/fit/weights.bin") || !strings.Contains(out, "sessions    3") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
}

func TestRunRefusesAnotherExperimentsDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, errOut := dnw(t, "run", shipped+"selftest.toml", "--out", dir, "--set", "selftest.steps=10",
		"--set", "selftest.step_delay=0s"); code != ExitOK {
		t.Fatal(errOut)
	}
	code, _, errOut := dnw(t, "run", shipped+"selftest.toml", "--out", dir, "--set", "experiment.name=other")
	if code != ExitUsage || !strings.Contains(errOut, `holds a run of experiment "selftest"`) {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// The paper pipeline end to end at its smallest: the terminal ends with the report's
// summary table and the path of report.html.
func TestRunPaperPipelineEndsWithTheReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	code, out, errOut := dnw(t, "run", shipped+"tiny.toml", "--out", dir)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if last != "report: "+filepath.Join(dir, "stages/report/report.html") {
		t.Errorf("last line %q, want the report's path", last)
	}
	for _, want := range []string{"METHOD  ", "\ngenerated  ", "medians over 1 held-out concepts"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "stages/report/report.html")); err != nil {
		t.Error(err)
	}
	// tiny's 20 weightgen steps of 16 chunks draw each (concept, chunk) pair about once:
	// the log warns, and the summary gives the figure.
	log, _ := os.ReadFile(filepath.Join(dir, "logs/dnw.log"))
	summary, _ := os.ReadFile(filepath.Join(dir, "stages/weightgen/summary.md"))
	if !strings.Contains(string(log), "below 100 the prediction tends to stay at the training mean: raise weightgen.steps to") ||
		!strings.Contains(string(summary), "each (concept, chunk) pair drawn") {
		t.Errorf("no warning of too few draws per pair in the log, or no figure in the summary:\n%s", summary)
	}
}

func TestStatusOfANonRunDirectory(t *testing.T) {
	code, _, errOut := dnw(t, "status", t.TempDir())
	if code != ExitUsage || !strings.Contains(errOut, "is not a run directory") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := dnw(t, "version")
	if code != ExitOK || !strings.HasPrefix(out, "dnw ") || !strings.Contains(out, "go1.") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestPluginsListAndDescribe(t *testing.T) {
	code, out, errOut := dnw(t, "plugins", "list")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, id := range []string{"arch.e2gan", "arch.pix2pix-unet", "lora.e2gan-paper", "lora.all-conv", "lora.attention-only",
		"chunk.per-layer", "chunk.global", "chunk.per-tensor", "schedule.linear", "schedule.cosine",
		"schedule.scaled-linear", "schedule.sigmoid", "text.hashgram"} {
		if !strings.Contains(out, id+" ") {
			t.Errorf("plugins list lacks %s", id)
		}
	}
	code, out, _ = dnw(t, "plugins", "describe", "schedule.cosine")
	if code != ExitOK || !strings.Contains(out, "kind schedule") || !strings.Contains(out, "Options:") {
		t.Errorf("describe: exit %d\n%s", code, out)
	}
	code, _, errOut = dnw(t, "plugins", "describe", "schedule.cosin")
	if code != ExitUsage || !strings.Contains(errOut, "did you mean schedule.cosine?") {
		t.Errorf("describe unknown: exit %d\n%s", code, errOut)
	}
}

func TestValidateChecksPluginsAndTheirOptions(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "p.toml", `[experiment]
name = "p"

[model.options]
widht = 16

[lora]
placement = "lora.al-conv"

[weightgen.options."schedule.linear"]
beta_end = 2.0
`)
	code, _, errOut := dnw(t, "validate", f)
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2\n%s", code, errOut)
	}
	for _, want := range []string{
		f + ":5: model.options.widht: plugin arch.e2gan: unknown option; did you mean width?",
		f + ":8: lora.placement: not registered: lora.al-conv; did you mean lora.all-conv?",
		f + `:11: weightgen.options."schedule.linear".beta_end: plugin schedule.linear: 2 is out of range`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestBenchTrain(t *testing.T) {
	code, out, errOut := dnw(t, "bench", "train", "--size", "16", "--batch", "2", "--steps", "2", "--warmup", "0",
		"--option", "width=8", "--option", "res_blocks=1", "--option", "heads=2", "--option", "disc_width=8")
	if code != ExitOK || !strings.Contains(out, "arch.e2gan, batch 2, 16×16") || !strings.Contains(out, "ms/step") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = dnw(t, "bench", "train", "--option", "widht=8", "--size", "16")
	if code != ExitUsage || !strings.Contains(errOut, "did you mean width?") {
		t.Errorf("misspelt option: exit %d\n%s", code, errOut)
	}
	if code, _, _ := dnw(t, "bench", "infer"); code != ExitUsage {
		t.Errorf("bench infer: exit %d, want 2", code)
	}
}

func TestRunUntilAnUnknownStage(t *testing.T) {
	code, _, errOut := dnw(t, "run", shipped+"tiny.toml", "--out", t.TempDir(), "--until", "weights")
	if code != ExitUsage || !strings.Contains(errOut, `--until: pipeline paper has no stage "weights" (its stages: concepts, pairs, base, collect,`) {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
