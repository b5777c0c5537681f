package tape

import (
	"fmt"

	"dnw/host/internal/device"
)

// Open returns a backend on dev: the CPU one, or a new stream on a GPU. Each
// training loop opens its own, so that two loops running at once (stage collect's
// --jobs) never share a stream or a scratch buffer. key names the setting that
// chose dev, for the error when it cannot be had.
func Open(dev device.Name, key string) (Backend, error) {
	if dev.IsCPU() {
		return NewCPU(), nil
	}
	if err := device.Check(dev, key); err != nil {
		return nil, err
	}
	be, err := openCUDA(dev.Index)
	if err != nil {
		return nil, fmt.Errorf("tape: opening %s: %w", dev, err)
	}
	return be, nil
}
