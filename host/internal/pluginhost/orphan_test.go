package pluginhost

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// TestKilledHostTakesItsPluginsAlong SIGKILLs a host that has started plugins: with no
// chance to stop them itself, the plugins must still die (Pdeathsig).
func TestKilledHostTakesItsPluginsAlong(t *testing.T) {
	host := filepath.Join(t.TempDir(), "hostproc")
	if out, err := exec.Command("go", "build", "-o", host, "./testdata/hostproc").CombinedOutput(); err != nil {
		t.Fatalf("building hostproc: %v\n%s", err, out)
	}
	cmd := exec.Command(host, dnwBin)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	sc := bufio.NewScanner(stdout)
	for len(pids) < 2 && sc.Scan() {
		pid, err := strconv.Atoi(sc.Text())
		if err != nil {
			t.Fatalf("hostproc printed %q", sc.Text())
		}
		pids = append(pids, pid)
	}
	if len(pids) != 2 {
		cmd.Process.Kill()
		t.Fatalf("hostproc started %d plugins", len(pids))
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err != nil {
			t.Fatalf("plugin %d not running before the kill: %v", pid, err)
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	for _, pid := range pids {
		assertGone(t, pid)
	}
}
