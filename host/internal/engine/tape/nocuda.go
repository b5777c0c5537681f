//go:build !dnw_cuda

package tape

import "errors"

// openCUDA is unreachable without the cuda tag: device.Check refuses every GPU.
func openCUDA(int) (Backend, error) { return nil, errors.New("built without the CUDA backend") }
