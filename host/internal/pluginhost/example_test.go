package pluginhost

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"dnw/sdk"
)

// TestExamplePluginBuildsLocksAndLoads builds plugins/examples/polynomial-schedule, a
// plugin in its own module that imports only dnw/sdk, and runs it through the manager.
func TestExamplePluginBuildsLocksAndLoads(t *testing.T) {
	m := newManager(t)
	bin := filepath.Join(m.Dirs[0], ExternalPrefix+"schedule.polynomial")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = "../../../plugins/examples/polynomial-schedule"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the example plugin: %v\n%s", err, out)
	}
	if _, err := m.Relock(); err != nil {
		t.Fatal(err)
	}
	d, err := m.Describe(context.Background(), "schedule.polynomial")
	if err != nil || d.Version != "0.1.0" || len(d.Options) != 2 || d.Source != bin {
		t.Fatalf("describe: %+v, %v", d, err)
	}
	c, err := m.Start(context.Background(), "schedule.polynomial")
	if err != nil {
		t.Fatal(err)
	}
	tab, err := c.Plugin.(sdk.NoiseSchedule).Tables(context.Background(), 4, sdk.Options{"power": 2.0})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.5625, 0.25, 0.0625, 1e-4} {
		if math.Abs(tab.AlphaBar[i]-want) > 1e-12 {
			t.Errorf("ᾱ_%d = %v, want %v", i+1, tab.AlphaBar[i], want)
		}
	}
}
