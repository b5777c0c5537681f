package buildinfo

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is dnw's release version.
var Version = "0.1.0-dev"

// stampedCommit is set by `make build` (-ldflags -X) for builds where the Go toolchain
// does not stamp VCS information itself (GOFLAGS=-buildvcs=false).
var stampedCommit = ""

// Info describes the binary and the machine.
type Info struct {
	Version   string `json:"dnw_version"`
	Commit    string `json:"git_commit,omitempty"` // VCS revision stamped by go build; "+dirty" if modified
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	CPU       string `json:"cpu,omitempty"`
	NumCPU    int    `json:"num_cpu"`
}

// Read gathers the Info of this process.
func Read() Info {
	return Info{
		Version:   Version,
		Commit:    commit(),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		CPU:       cpuModel(),
		NumCPU:    runtime.NumCPU(),
	}
}

func commit() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return stampedCommit
	}
	var rev string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return stampedCommit
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

// cpuModel reads the processor's name on Linux; elsewhere it is left empty.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
