//go:build !linux

package pluginhost

import "os/exec"

// dieWithHost has no portable equivalent off Linux; Managed clients still stop their
// plugins on every orderly exit.
func dieWithHost(cmd *exec.Cmd) {}
