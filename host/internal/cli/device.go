package cli

import (
	"fmt"

	"dnw/host/internal/config"
	"dnw/host/internal/device"
)

// flagDevice parses --device and checks that this binary and machine can compute on
// it. A bad name is a usage error; a device they lack wraps device.ErrUnavailable,
// which exits 2 too, with a message that names --device and says what to do.
func flagDevice(value string) (device.Name, error) {
	d, err := device.Parse(value)
	if err != nil {
		return device.Name{}, usagef("--device: %v", err)
	}
	return d, device.Check(d, "--device")
}

// runDevice settles and checks the device of a run before any work: --device when
// given (it wins over the experiment, as --out does, and goes into the run's
// config.toml, so that a resume keeps it), else experiment.device, whose error
// names where the experiment set it.
func runDevice(flagValue string, r *config.Resolved) error {
	if flagValue != "" {
		d, err := flagDevice(flagValue)
		if err == nil {
			r.Config.Experiment.Device = d.String()
		}
		return err
	}
	err := device.Check(r.Config.Device(), "experiment.device")
	if pos, set := r.Origin("experiment.device"); err != nil && set {
		return fmt.Errorf("%s: %w", pos, err)
	}
	return err
}
