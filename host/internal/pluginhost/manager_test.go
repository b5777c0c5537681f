package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"dnw/sdk"
)

// The tests run real plugin processes: the dnw binary serving bundled plugins, and a
// test plugin (testdata/testplugin) installed under several external names.

var (
	dnwBin     string // dnw, for bundled plugins
	testPlugin string // testdata/testplugin
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pluginhost-")
	if err != nil {
		panic(err)
	}
	dnwBin = filepath.Join(dir, "dnw")
	testPlugin = filepath.Join(dir, "testplugin")
	// Built with this test's build tags, so that a bundled plugin computes on the same
	// kernels (OpenBLAS or not) in the subprocess as in process.
	var tags []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-tags" {
				tags = []string{"-tags", s.Value}
			}
		}
	}
	for out, pkg := range map[string]string{dnwBin: "dnw/host/cmd/dnw", testPlugin: "./testdata/testplugin"} {
		args := append(append([]string{"build"}, tags...), "-o", out, pkg)
		if b, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, b)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// newManager returns a Manager whose search path is a fresh directory holding the
// test plugin under the given external ids, with its own lock file.
func newManager(t testing.TB, ids ...string) *Manager {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	data, err := os.ReadFile(testPlugin)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := os.WriteFile(filepath.Join(bin, ExternalPrefix+id), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	m := &Manager{Exe: dnwBin, Dirs: []string{bin}, LockPath: filepath.Join(dir, "plugins.lock"),
		StartTimeout: 20 * time.Second, CallTimeout: 20 * time.Second}
	t.Cleanup(m.Close)
	return m
}

func schedule(t *testing.T, c *Client) sdk.NoiseSchedule {
	t.Helper()
	s, ok := c.Plugin.(sdk.NoiseSchedule)
	if !ok {
		t.Fatalf("%s is a %T", c.ID, c.Plugin)
	}
	return s
}

func TestExternalPluginMustBeLockedAndUntampered(t *testing.T) {
	m := newManager(t, "schedule.quad")
	ctx := context.Background()
	_, err := m.Start(ctx, "schedule.quad")
	if err == nil || !strings.Contains(err.Error(), "is not pinned in "+m.LockPath) {
		t.Fatalf("unlocked plugin: err = %v", err)
	}

	lock, err := m.Relock()
	if err != nil {
		t.Fatal(err)
	}
	if len(lock.Plugins) != 1 || lock.Plugins[0].Kind != "schedule" || lock.Plugins[0].Version != "0.0.1" {
		t.Fatalf("lock %+v", lock)
	}
	c, err := m.Start(ctx, "schedule.quad")
	if err != nil {
		t.Fatal(err)
	}
	tab, err := schedule(t, c).Tables(ctx, 10, sdk.Options{"beta_end": 0.5})
	if err != nil || len(tab.AlphaBar) != 10 || tab.AlphaBar[9] >= tab.AlphaBar[0] {
		t.Fatalf("tables %v, %v", tab, err)
	}
	c.Kill()

	// Tamper with the binary: one byte appended.
	path := filepath.Join(m.Dirs[0], "dnw-schedule.quad")
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte{0})
	f.Close()
	newSum, _ := fileSHA256(path)
	_, err = m.Start(ctx, "schedule.quad")
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), newSum) ||
		!strings.Contains(err.Error(), lock.Plugins[0].SHA256) {
		t.Fatalf("tampered plugin: err = %v", err)
	}
	list, _ := m.List()
	if got := list[len(list)-1]; got.ID != "schedule.quad" || !strings.HasPrefix(got.State, "refused") {
		t.Errorf("list shows %+v", got)
	}
}

func TestBadOptionsNameThePlugin(t *testing.T) {
	m := newManager(t, "schedule.ok")
	m.Relock()
	c, err := m.Start(context.Background(), "schedule.ok")
	if err != nil {
		t.Fatal(err)
	}
	_, err = schedule(t, c).Tables(context.Background(), 10, sdk.Options{"beta_end": 3.0})
	if err == nil || !strings.Contains(err.Error(), "plugin schedule.ok: Tables:") || !strings.Contains(err.Error(), "option beta_end: 3 is out of range") {
		t.Errorf("err = %v", err)
	}
}

func TestCrashingPluginReportsItsStderrAndIsGone(t *testing.T) {
	m := newManager(t, "schedule.crash")
	m.Relock()
	c, err := m.Start(context.Background(), "schedule.crash")
	if err != nil {
		t.Fatal(err)
	}
	pid := c.PID()
	_, err = schedule(t, c).Tables(context.Background(), 10, nil)
	for _, want := range []string{"plugin schedule.crash crashed during Tables", "about to fail on purpose", "panic: testplugin: crash on purpose"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	assertGone(t, pid)
}

func TestHangingPluginTimesOutAndIsKilled(t *testing.T) {
	m := newManager(t, "schedule.hang")
	m.Relock()
	m.CallTimeout = 300 * time.Millisecond
	c, err := m.Start(context.Background(), "schedule.hang")
	if err != nil {
		t.Fatal(err)
	}
	pid := c.PID()
	_, err = schedule(t, c).Tables(context.Background(), 10, nil)
	if err == nil || !strings.Contains(err.Error(), "plugin schedule.hang did not answer Tables within 300ms; killed it") ||
		!strings.Contains(err.Error(), "hanging on purpose") {
		t.Errorf("err = %v", err)
	}
	assertGone(t, pid)
}

func TestCloseLeavesNoPluginProcess(t *testing.T) {
	m := newManager(t, "schedule.a", "schedule.b")
	m.Relock()
	var pids []int
	for _, id := range append([]string{"schedule.a", "schedule.b"}, BundledIDs()...) {
		c, err := m.Start(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, c.PID())
	}
	m.Close()
	for _, pid := range pids {
		assertGone(t, pid)
	}
}

func TestUnknownPluginListsWhatExists(t *testing.T) {
	m := newManager(t, "schedule.x")
	_, err := m.Start(context.Background(), "schedule.nope")
	if err == nil || !strings.Contains(err.Error(), "not registered: schedule.nope") || !strings.Contains(err.Error(), "schedule.x") ||
		!strings.Contains(err.Error(), "schedule.cosine") || strings.Contains(err.Error(), "arch.e2gan") {
		t.Errorf("err = %v", err)
	}
	_, err = m.Start(context.Background(), "schedule.cosin")
	if err == nil || !strings.Contains(err.Error(), "did you mean schedule.cosine?") {
		t.Errorf("err = %v", err)
	}
}

func TestDiscoverRefusesShadowingAndDuplicates(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		os.WriteFile(filepath.Join(d, "dnw-schedule.twice"), []byte("x"), 0o755)
	}
	os.WriteFile(filepath.Join(a, "dnw-not-executable"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(a, "other-tool"), []byte("x"), 0o755)
	if exts, refused, err := Discover([]string{a, b}); err != nil || len(exts) != 0 || len(refused) != 2 || !strings.Contains(refused[0].Reason, "found twice") {
		t.Errorf("duplicate: %v, %v, %v", exts, refused, err)
	}
	exts, refused, err := Discover([]string{a, filepath.Join(a, "missing")})
	if err != nil || len(exts) != 1 || exts[0].ID != "schedule.twice" || len(refused) != 0 {
		t.Errorf("Discover = %v, %v, %v", exts, refused, err)
	}
	for _, id := range BundledIDs()[:min(1, len(BundledIDs()))] {
		os.WriteFile(filepath.Join(b, ExternalPrefix+id), []byte("x"), 0o755)
		if _, refused, _ := Discover([]string{b}); len(refused) != 1 || !strings.Contains(refused[0].Reason, "shadow") {
			t.Errorf("shadowing %s: %v", id, refused)
		}
	}
}

// assertGone waits briefly for pid to exit and fails if it is still alive.
func assertGone(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("no pid")
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		err := syscall.Kill(pid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		// A zombie still answers kill(0); it is gone once its state is Z or it is reaped.
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && strings.Contains(string(st), ") Z ") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("plugin process %d is still running", pid)
}

// Refused binaries (a duplicated id, a shadowed bundled one) do not stop Relock from
// pinning the good plugin beside them; starting a refused id says why.
func TestRelockPinsTheGoodBesideRefusedBinaries(t *testing.T) {
	m := newManager(t, "schedule.good", "schedule.twice", "schedule.cosine")
	second := t.TempDir()
	data, _ := os.ReadFile(testPlugin)
	os.WriteFile(filepath.Join(second, ExternalPrefix+"schedule.twice"), data, 0o755)
	m.Dirs = append(m.Dirs, second)

	lock, err := m.Relock()
	var re *RefusedError
	if !errors.As(err, &re) || len(re.Refused) != 3 || lock == nil || len(lock.Plugins) != 1 || lock.Plugins[0].ID != "schedule.good" {
		t.Fatalf("Relock = %+v, %v", lock, err)
	}
	for _, want := range []string{"dnw-schedule.cosine: would shadow the bundled plugin schedule.cosine",
		"bin/dnw-schedule.twice: plugin schedule.twice found twice, also at " + second,
		second + "/dnw-schedule.twice: plugin schedule.twice found twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Relock's error lacks %q:\n%v", want, err)
		}
	}
	if _, err := m.Start(context.Background(), "schedule.good"); err != nil {
		t.Errorf("Start(schedule.good) = %v", err)
	}
	if _, err := m.Start(context.Background(), "schedule.twice"); err == nil || !strings.Contains(err.Error(), "refusing plugin schedule.twice") {
		t.Errorf("Start(schedule.twice) = %v", err)
	}
}
