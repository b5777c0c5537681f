package pipeline

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"dnw/host/internal/config"
	"dnw/host/internal/extensions/exttest"
)

// TestReportWritesValidResults runs the whole tiny paper pipeline and checks the
// report: results.json against its documented schema, report.html self-contained,
// report.md with the paper's table, a verdict, the extra metrics and the
// sub-scores of one that returns them.
func TestReportWritesValidResults(t *testing.T) {
	dir := t.TempDir()
	subscores := exttest.WAT(t, subscoresWAT)
	if err := runPipelineWith(t, dir, Paper(), 2, nil, func(c *config.Config) { c.Metrics.Extra = []string{"l1", "ssim", subscores} }); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "stages/report")
	schema, err := jsonschema.NewCompiler().Compile("../../../docs/results.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	results, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(results); err != nil {
		t.Errorf("results.json does not follow docs/results.schema.json: %v", err)
	}
	for _, run := range results.(map[string]any)["runs"].([]any) {
		sub, _ := run.(map[string]any)["sub"].(map[string]any)
		if s, _ := sub["subscores"].(map[string]any); len(s) != 2 || s["max"] == nil || s["bias"] == nil || len(sub) != 1 {
			t.Errorf("results.json run's sub = %v, want subscores' max and bias", sub)
		}
	}
	// The schema is strict enough to refuse a file that lacks a part.
	delete(results.(map[string]any), "summary")
	if err := schema.Validate(results); err == nil {
		t.Error("the schema accepts results.json without its summary")
	}

	page, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:|//|[^"d#][^"]*\.(png|css|js))`)
	if m := external.Find(page); m != nil {
		t.Errorf("report.html loads %s: it must open offline", m)
	}
	if n := strings.Count(string(page), `src="data:image/png;base64,`); n != 3 {
		t.Errorf("report.html inlines %d images, want the concept's curves and grid and the loss curve", n)
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	for _, want := range []string{"## Time to the scratch target", "| `generated` |", "**`generated` ", "## Memorization check",
		"## Extra metrics at the end of the budget", "| method | `l1` (lower is better) | `ssim` (higher is better) | `subscores` (lower is better) |",
		"## Sub-scores at the end of the budget", "| method | `subscores.bias` | `subscores.max` |",
		"![h000-", "(curves/h000-", "(grids/h000-",
		"## Where LoRA went", "`lora.e2gan-paper` on the generator of `arch.e2gan`", "| `down1` | conv2d | 4 | 4 | "} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if !strings.Contains(string(page), "subscores.max") {
		t.Error("report.html lacks the sub-scores")
	}
	if _, err := os.Stat(filepath.Join(out, "weightgen-loss.png")); err != nil {
		t.Error(err)
	}
}
