package pipeline

import (
	"dnw/host/internal/config"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestReportWritesValidResults runs the whole tiny paper pipeline and checks the
// report: results.json against its documented schema, report.html self-contained,
// report.md with the paper's table and a verdict.
func TestReportWritesValidResults(t *testing.T) {
	dir := t.TempDir()
	if err := runPipelineWith(t, dir, Paper(), 2, nil, func(c *config.Config) { c.Metrics.Extra = []string{"l1", "ssim"} }); err != nil {
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
		"## Extra metrics at the end of the budget", "| method | `l1` (lower is better) | `ssim` (higher is better) |",
		"![h000-", "(curves/h000-", "(grids/h000-"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "weightgen-loss.png")); err != nil {
		t.Error(err)
	}
}
