package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startSlurm starts a single-node Slurm cluster on 127.0.0.1 in a temporary
// directory (munged, slurmctld, slurmd, as root, without cgroups: the recipe
// docs/dependencies.md describes) and returns the environment its commands need (SLURM_CONF). The
// daemons it started are stopped by PID when the test ends. Without Debian's
// slurm-wlm and munge, or as another user than root, the test is skipped, unless
// DNW_REQUIRE_SLURM is set (make test sets it: CI must run this test).
func startSlurm(t *testing.T) []string {
	t.Helper()
	_, err := exec.LookPath("slurmctld")
	if err != nil || os.Getuid() != 0 {
		if os.Getenv("DNW_REQUIRE_SLURM") != "" {
			t.Fatalf("the Slurm test needs slurm-wlm and munge (make deps installs them) and root: %v, uid %d", err, os.Getuid())
		}
		t.Skip("no Slurm here (Debian's slurm-wlm and munge, as root)")
	}
	dir, err := os.MkdirTemp("", "dnw-slurm-") // short: the munge socket's path is limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{"state", "spool", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	key := make([]byte, 1024)
	if f, err := os.Open("/dev/urandom"); err == nil {
		f.Read(key)
		f.Close()
	}
	if err := os.WriteFile(filepath.Join(dir, "munge.key"), key, 0o400); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	ctldPort, dPort := freePort(t), freePort(t)
	conf := filepath.Join(dir, "slurm.conf")
	sock := filepath.Join(dir, "munge.sock")
	body := fmt.Sprintf(`ClusterName=dnwtest
SlurmctldHost=%[1]s(127.0.0.1)
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=%[4]s
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
StateSaveLocation=%[5]s/state
SlurmdSpoolDir=%[5]s/spool
SlurmctldPidFile=%[5]s/slurmctld.pid
SlurmdPidFile=%[5]s/slurmd.pid
SlurmctldLogFile=%[5]s/log/slurmctld.log
SlurmdLogFile=%[5]s/log/slurmd.log
NodeName=%[1]s NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`, host, ctldPort, dPort, sock, dir)
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"SLURM_CONF=" + conf}
	start := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), env...)
		out, _ := os.Create(filepath.Join(dir, "log", name+".out"))
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting %s: %v", name, err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); out.Close() })
	}
	start("munged", "-F", "--force", "-S", sock, "--key-file="+filepath.Join(dir, "munge.key"),
		"--pid-file="+filepath.Join(dir, "munged.pid"), "--log-file="+filepath.Join(dir, "log", "munged.log"),
		"--seed-file="+filepath.Join(dir, "munge.seed"))
	time.Sleep(300 * time.Millisecond)
	start("slurmctld", "-D", "-f", conf)
	start("slurmd", "-D", "-f", conf)
	idle := waitFor(t, 30*time.Second, func() bool {
		cmd := exec.Command("sinfo", "-h", "-o", "%T")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.Output()
		return err == nil && strings.TrimSpace(string(out)) == "idle"
	})
	if !idle {
		logs, _ := os.ReadFile(filepath.Join(dir, "log", "slurmctld.out"))
		t.Fatalf("the Slurm node never became idle:\n%s", logs)
	}
	return env
}

// freePort is a TCP port nothing listens on at the moment.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// The same 4-trial sweep through the Slurm backend (one job array on a real
// single-node cluster) and the local one gives the same results, byte for byte.
func TestSlurmBackendMatchesLocal(t *testing.T) {
	env := startSlurm(t)
	file := writeSweep(t)
	results := map[string]map[int]string{}
	for _, backend := range []string{"local", "slurm"} {
		dir := filepath.Join(t.TempDir(), backend)
		cmd := exec.Command(dnwBin, append([]string{"sweep", file, "--out", dir, "--backend", backend}, sweepSets...)...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s backend: %v\n%s", backend, err, out)
		}
		if backend == "slurm" && !strings.Contains(string(out), `msg="job array submitted"`) {
			t.Errorf("the slurm backend submitted no job array:\n%s", out)
		}
		results[backend] = map[int]string{}
		for i := range 4 {
			b, err := os.ReadFile(filepath.Join(dir, "trials", fmt.Sprintf("%03d", i), "stages", "summarize", "summary.json"))
			if err != nil {
				t.Fatalf("%s backend, trial %d: %v\n%s", backend, i, err, out)
			}
			results[backend][i] = string(b)
		}
		if backend == "slurm" {
			if _, err := os.Stat(filepath.Join(dir, "slurm", "task-3.out")); err != nil {
				t.Errorf("no output of array task 3: %v", err)
			}
		}
	}
	for i := range 4 {
		if results["local"][i] != results["slurm"][i] {
			t.Errorf("trial %d: the backends disagree:\nlocal %s\nslurm %s", i, results["local"][i], results["slurm"][i])
		}
	}
}
