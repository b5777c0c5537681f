package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"dnw/sdk/ir"
)

// TorchScript is the PyTorch side of the benchmark, relative to the repository root:
// it interprets the same arch IR (as JSON) and times the same step.
const TorchScript = "bench/torch/gan_step.py"

// DefaultPython is Debian's interpreter, where python3-torch installs.
const DefaultPython = "/usr/bin/python3"

// torchReport is the one JSON line the script prints.
type torchReport struct {
	TorchVersion string    `json:"torch_version"`
	Device       string    `json:"device"`
	TF32         bool      `json:"tf32"`
	Threads      int       `json:"threads"`
	MsPerStep    float64   `json:"ms_per_step"`
	MsAll        []float64 `json:"ms_all"`
	GenParams    int       `json:"generator_params"`
	DiscParams   int       `json:"discriminator_params"`
}

// Torch times the same step in PyTorch: it writes model as JSON and runs python
// on script with the same batch, steps, loss, seed and thread count.
func Torch(ctx context.Context, python, script string, model ir.Model, c TrainConfig, threads int) (Result, error) {
	if _, err := os.Stat(script); err != nil {
		return Result{}, fmt.Errorf("bench: PyTorch script: %w (run from the repository root or pass --torch-script)", err)
	}
	dir, err := os.MkdirTemp("", "dnw-bench-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	irPath := filepath.Join(dir, "model.json")
	data, err := json.Marshal(model)
	if err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(irPath, data, 0o644); err != nil {
		return Result{}, err
	}
	cmd := exec.CommandContext(ctx, python, script, "--ir", irPath,
		"--batch", strconv.Itoa(c.Batch), "--threads", strconv.Itoa(threads),
		"--warmup", strconv.Itoa(c.Warmup), "--steps", strconv.Itoa(c.Steps),
		"--loss", c.Loss, "--seed", strconv.FormatUint(c.Seed, 10), "--device", c.Device.String())
	if c.TF32 {
		cmd.Args = append(cmd.Args, "--tf32")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Result{}, fmt.Errorf("bench: %s %s: %w\n%s", python, script, err, tail(stderr.String(), 2000))
	}
	var rep torchReport
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &rep); err != nil {
		return Result{}, fmt.Errorf("bench: %s printed %q, want one JSON line: %w", script, tail(stdout.String(), 500), err)
	}
	if rep.GenParams != model.Generator.NumParams() || rep.DiscParams != model.Discriminator.NumParams() {
		return Result{}, fmt.Errorf("bench: PyTorch built %d + %d parameters, the IR has %d + %d: not the same architecture",
			rep.GenParams, rep.DiscParams, model.Generator.NumParams(), model.Discriminator.NumParams())
	}
	backend := "PyTorch CPU"
	if !c.Device.IsCPU() {
		backend = "PyTorch CUDA, " + rep.Device
		if rep.TF32 {
			backend += ", TF32"
		}
	}
	return Result{Engine: "torch " + rep.TorchVersion, Backend: backend, Threads: rep.Threads,
		MsPerStep: rep.MsPerStep, MsAll: rep.MsAll, GenParams: rep.GenParams, DiscParams: rep.DiscParams}, nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
