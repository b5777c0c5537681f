package pluginhost

import (
	"os/exec"
	"syscall"
)

// dieWithHost asks Linux to kill the plugin if the host dies without stopping it
// (SIGKILL, a crash), so no plugin outlives its dnw.
func dieWithHost(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
