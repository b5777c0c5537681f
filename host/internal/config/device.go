package config

import "dnw/host/internal/device"

// Device is the device experiment.device names ("" is the CPU). Load has checked
// that it parses, so a name that does not is a Config built around Load: a
// programmer error, and a panic.
func (c *Config) Device() device.Name {
	d, err := device.Parse(c.Experiment.Device)
	if err != nil {
		panic("config: experiment.device: " + err.Error())
	}
	return d
}
