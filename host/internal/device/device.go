package device

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Name is a parsed device: Kind "cpu" or "cuda", and for cuda the GPU's ordinal.
type Name struct {
	Kind  string
	Index int
}

// CPU is the default device.
var CPU = Name{Kind: "cpu"}

// IsCPU reports whether n is the CPU (the zero Name is the CPU too).
func (n Name) IsCPU() bool { return n.Kind == "" || n.Kind == "cpu" }

// String is the canonical name: "cpu" or "cuda:N". Manifests and stage fingerprints
// record it, so "cuda" and "cuda:0" are one device.
func (n Name) String() string {
	if n.IsCPU() {
		return "cpu"
	}
	return "cuda:" + strconv.Itoa(n.Index)
}

// Parse reads "cpu", "cuda" or "cuda:N" (N ≥ 0); "" is the CPU.
func Parse(s string) (Name, error) {
	switch s {
	case "", "cpu":
		return CPU, nil
	case "cuda":
		return Name{Kind: "cuda"}, nil
	}
	if rest, ok := strings.CutPrefix(s, "cuda:"); ok {
		if i, err := strconv.Atoi(rest); err == nil && i >= 0 && rest == strconv.Itoa(i) {
			return Name{Kind: "cuda", Index: i}, nil
		}
	}
	return Name{}, fmt.Errorf("device %q: want \"cpu\", \"cuda\" or \"cuda:N\" (N = 0, 1, …)", s)
}

// ErrUnavailable is wrapped by Check's errors: the device was asked for, and this
// binary or this machine cannot give it. It is the user's to fix (another binary,
// another machine, or the CPU), so the command line maps it to exit code 2.
var ErrUnavailable = errors.New("device unavailable")

// Check returns nil if computations can run on n here, and otherwise an error that
// wraps ErrUnavailable and says what to do. key names where n was asked for
// (experiment.device, --device), so the message points at it.
func Check(n Name, key string) error {
	if n.IsCPU() {
		return nil
	}
	cpu := key + ` = "cpu"`
	if strings.HasPrefix(key, "-") {
		cpu = key + " cpu"
	}
	if !cudaCompiled {
		return fmt.Errorf("%w: %s = %q: this dnw was built without the CUDA backend (its backends: %s); "+
			"build bin/dnw-cuda with `make cuda` and run that on a machine with an NVIDIA GPU, or use %s",
			ErrUnavailable, key, n.String(), strings.Join(Backends(), ", "), cpu)
	}
	count, err := cudaDevices()
	if err != nil {
		return fmt.Errorf("%w: %s = %q: no usable NVIDIA GPU: %v; run on a machine with an NVIDIA GPU and its driver, or use %s",
			ErrUnavailable, key, n.String(), err, cpu)
	}
	if n.Index >= count {
		return fmt.Errorf("%w: %s = %q: this machine has %d CUDA device(s), numbered from 0; pick one of them, or use %s",
			ErrUnavailable, key, n.String(), count, cpu)
	}
	return nil
}

// Backends lists the compute backends this binary was built with, for dnw version:
// "cpu" always, "cuda" with the cuda build tag.
func Backends() []string {
	if cudaCompiled {
		return []string{"cpu", "cuda"}
	}
	return []string{"cpu"}
}
