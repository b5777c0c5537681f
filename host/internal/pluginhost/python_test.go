package pluginhost

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dnw/sdk"
)

// The Python sdk (sdk/python) through the real manager: a Python plugin
// (testdata/pyplugin, testplugin's twin) is locked, started, called and killed like
// a Go one, and fails with the same messages.

// python is the interpreter of the project's .venv, where make deps installs
// sdk/python; the tests skip without it unless DNW_REQUIRE_VENV is set
// (make test sets it).
func python(t testing.TB) string {
	t.Helper()
	py, err := filepath.Abs("../../../.venv/bin/python")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(py, "-c", "import dnw_plugin").CombinedOutput(); err != nil {
		if os.Getenv("DNW_REQUIRE_VENV") != "" {
			t.Fatalf("DNW_REQUIRE_VENV is set, but %s cannot import dnw_plugin (make deps installs it): %v\n%s", py, err, out)
		}
		t.Skipf("no .venv with dnw_plugin (make deps): %v", err)
	}
	return py
}

// installPython puts testdata/pyplugin on m's search path under each id: the script
// with a first line naming the .venv's Python, as sdk/README.md says to lock a script.
func installPython(t testing.TB, m *Manager, ids ...string) {
	t.Helper()
	script, err := os.ReadFile("testdata/pyplugin/main.py")
	if err != nil {
		t.Fatal(err)
	}
	body := append([]byte("#!"+python(t)+"\n"), script...)
	for _, id := range ids {
		if err := os.WriteFile(filepath.Join(m.Dirs[0], ExternalPrefix+id), body, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPythonPluginServesLikeAGoOne(t *testing.T) {
	m := newManager(t, "schedule.go")
	installPython(t, m, "schedule.py")
	if _, err := m.Relock(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var tables [2]sdk.ScheduleTables
	var pids []int
	for i, id := range []string{"schedule.go", "schedule.py"} {
		c, err := m.Start(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, c.PID())
		if tables[i], err = schedule(t, c).Tables(ctx, 50, sdk.Options{"beta_end": 0.5}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range tables[0].AlphaBar {
		for _, pair := range [][2]float64{{tables[0].AlphaBar[i], tables[1].AlphaBar[i]},
			{tables[0].Alpha[i], tables[1].Alpha[i]}, {tables[0].Sigma[i], tables[1].Sigma[i]}} {
			if math.Abs(pair[0]-pair[1]) > 1e-12 {
				t.Fatalf("t=%d: Go %v, Python %v", i+1, pair[0], pair[1])
			}
		}
	}
	m.Close()
	for _, pid := range pids {
		assertGone(t, pid)
	}
}

// The Python sdk checks options as the Go sdk does: for each bad set of options, the
// plugin's answer is sdk.Resolve's messages for the schema it describes.
func TestPythonAndGoSDKsRejectOptionsAlike(t *testing.T) {
	m := newManager(t)
	installPython(t, m, "schedule.py")
	m.Relock()
	c, err := m.Start(context.Background(), "schedule.py")
	if err != nil {
		t.Fatal(err)
	}
	specs := c.Plugin.Info().Options
	for _, opts := range []sdk.Options{
		{"beta_end": 3.0}, {"beta_end": -0.5}, {"beta_end": "high"}, {"beta_end": true},
		{"warmup": 2.5}, {"warmup": int64(101)}, {"warmup": []int64{1}},
		{"shape": "sigmoid"}, {"shape": int64(1)}, {"clip": "yes"},
		{"milestones": []int64{5, 0}}, {"milestones": []float64{1.5}}, {"milestones": int64(3)},
		{"weights": []float64{0.5, 2}}, {"weights": []string{"x"}}, {"tags": []string{"a", "c"}},
		{"beta_ned": 0.1}, {"wrmup": int64(1), "shpe": "linear"}, {"colour": "red"},
		{"beta_end": 1e-7, "warmup": int64(-1)}, {"beta_end": 1e21},
	} {
		_, err := schedule(t, c).Tables(context.Background(), 10, opts)
		resolved, errs := sdk.Resolve(specs, opts)
		if len(errs) == 0 {
			t.Fatalf("%v: the Go sdk accepts it (%v); not a bad case", opts, resolved)
		}
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		want := "plugin schedule.py: Tables: schedule.py: " + strings.Join(msgs, "; ")
		if err == nil || err.Error() != want {
			t.Errorf("%v:\n Python: %v\n     Go: %s", opts, err, want)
		}
	}
}

// A Python plugin that crashes or hangs in a call, prints to stdout before its
// handshake or fails before it gets the error a Go plugin gets: the same first line
// (its id aside), then its own stderr.
func TestPythonPluginFailuresReadLikeGoOnes(t *testing.T) {
	m := newManager(t, "schedule.go.crash", "schedule.go.hang", "schedule.go.stdout", "schedule.go.exit")
	installPython(t, m, "schedule.py.crash", "schedule.py.hang", "schedule.py.stdout", "schedule.py.exit")
	m.CallTimeout = 2 * time.Second
	errs := map[string]string{}
	// The start-up failures surface when the plugins are locked: dnw plugins lock
	// starts each one and refuses those that do not start.
	_, err := m.Relock()
	var refused *RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("relock: %v", err)
	}
	for _, r := range refused.Refused {
		errs[r.ID] = r.Reason
	}
	for _, id := range []string{"schedule.go.crash", "schedule.py.crash", "schedule.go.hang", "schedule.py.hang"} {
		c, err := m.Start(context.Background(), id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if _, err = schedule(t, c).Tables(context.Background(), 10, nil); err == nil {
			t.Fatalf("%s: no error", id)
		}
		errs[id] = err.Error()
	}
	for mode, stderr := range map[string]string{"crash": "about to fail on purpose", "hang": "hanging on purpose",
		"stdout": "hello from the plugin", "exit": "cannot load my model on purpose"} {
		goErr, pyErr := errs["schedule.go."+mode], errs["schedule.py."+mode]
		first := func(msg, lang string) string {
			line, _, _ := strings.Cut(msg, "\n")
			return strings.ReplaceAll(line, "schedule."+lang+"."+mode, "ID")
		}
		if first(goErr, "go") != first(pyErr, "py") || !strings.Contains(pyErr, stderr) || !strings.Contains(goErr, stderr) {
			t.Errorf("%s:\n Go: %s\n Python: %s", mode, goErr, pyErr)
		}
	}
}
