package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"dnw/host/internal/bench"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/progress"
	"dnw/sdk"
	"dnw/sdk/ir"
)

var benchCmd = &command{
	name:    "bench",
	args:    "train [flags]",
	summary: "time a training step, optionally side by side with PyTorch",
	help: `bench train times generator + discriminator training steps of an architecture
plugin (pix2pix's objective: LSGAN or BCE + 100·L1, Adam lr 2e-4, β1 0.5) on random
64×64 pairs, and prints the median time per step. With --torch it runs the identical
step in PyTorch (bench/torch/gan_step.py interprets the same arch IR; Debian's
python3-torch, under /usr/bin/python3) with as many threads as dnw uses (GOMAXPROCS),
and prints the ratio. Run it from the repository root. docs/benchmarks.md records the
figures. --device cuda (or cuda:N) times dnw's step on a GPU (bin/dnw-cuda, built by
make cuda) and, with --torch, PyTorch's eager step on the same GPU (--python names an
interpreter with a CUDA build of torch). Both compute in FP32 unless --tf32 lets both
use TF32 tensor cores. With DNW_PROFILE=1 on a GPU, every kernel waits for the GPU
and the step's time per kernel is printed.

Examples:
  dnw bench train
  dnw bench train --torch --steps 10
  GOMAXPROCS=1 dnw bench train --torch
  dnw bench train --arch arch.e2gan --option width=32 --batch 4 --json
  dnw bench train --device cuda --torch --python python3 --size 256 --batch 32`,
	run: runBench,
}

func runBench(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	arch := flags.String("arch", "arch.e2gan", "architecture plugin")
	var options setFlags
	flags.Var(&options, "option", "architecture option `KEY=VALUE` (repeatable; 32 is an integer, 0.5 a float, true a bool, anything else a string)")
	c := bench.TrainConfig{Seed: 1}
	flags.IntVar(&c.Batch, "batch", 8, "pairs per step")
	flags.IntVar(&c.Size, "size", 64, "image side in pixels")
	flags.IntVar(&c.Warmup, "warmup", 1, "untimed steps first")
	flags.IntVar(&c.Steps, "steps", 5, "timed steps")
	flags.StringVar(&c.Loss, "loss", "lsgan", "adversarial loss: lsgan or bce")
	torch := flags.Bool("torch", false, "also time the same step in PyTorch and print the ratio")
	python := flags.String("python", bench.DefaultPython, "Python interpreter with torch, for --torch")
	script := flags.String("torch-script", bench.TorchScript, "the PyTorch side, for --torch")
	asJSON := flags.Bool("json", false, "print the results as JSON")
	dev := flags.String("device", "cpu", "compute device of dnw's step (and, with --torch, of PyTorch's): cpu, cuda or cuda:N")
	flags.BoolVar(&c.TF32, "tf32", false, "on a GPU, let both sides' products use TF32 tensor cores (dnw: DNW_TF32=1; PyTorch: allow_tf32); FP32 otherwise")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "train" {
		return usagef("expected 'train', got %q", strings.Join(pos, " "))
	}
	if c.Batch < 1 || c.Size < 1 || c.Steps < 1 || c.Warmup < 0 {
		return usagef("--batch, --size and --steps must be ≥ 1 and --warmup ≥ 0")
	}
	if c.Loss != "lsgan" && c.Loss != "bce" {
		return usagef("--loss %q: want lsgan or bce", c.Loss)
	}
	if c.Device, err = flagDevice(*dev); err != nil {
		return err
	}
	if c.TF32 {
		os.Setenv("DNW_TF32", "1") // read by the CUDA backend when it opens a stream
	}
	opts, err := parseOptions(options)
	if err != nil {
		return err
	}
	model, err := buildArch(ctx, *arch, c.Size, opts)
	if err != nil {
		return err
	}

	reporter := progress.New(a.stderr, progress.Options{TTY: isTerminal(a.stderr), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	bar := reporter.Start("dnw steps", int64(c.Warmup+c.Steps), "steps", 0)
	ours, err := bench.Train(model, c, func(int) { bar.Add(1) })
	bar.Finish()
	if err != nil {
		return err
	}
	results := []bench.Result{ours}
	if *torch {
		fmt.Fprintf(a.stderr, "running the same step in PyTorch (%s %s)…\n", *python, *script)
		theirs, err := bench.Torch(ctx, *python, *script, model, c, ours.Threads)
		if err != nil {
			return err
		}
		results = append(results, theirs)
	}
	return a.printBench(*arch, c, results, *asJSON)
}

// buildArch starts the architecture plugin and asks it for the model at size×size.
func buildArch(ctx context.Context, id string, size int, opts sdk.Options) (ir.Model, error) {
	m, err := pluginhost.NewManager(nil)
	if err != nil {
		return ir.Model{}, err
	}
	defer m.Close()
	c, err := m.Get(ctx, id)
	if err != nil {
		return ir.Model{}, err
	}
	arch, ok := c.Plugin.(sdk.Architecture)
	if !ok {
		return ir.Model{}, usagef("--arch %s is a %s plugin, not an architecture", id, c.Kind)
	}
	model, err := arch.Build(ctx, sdk.ArchRequest{ImageSize: size, Channels: 3, Options: opts})
	if err != nil { // the plugin rejected --option or --size values
		return ir.Model{}, usagef("%v", err)
	}
	if err := model.Validate(); err != nil { // the plugin's author's to fix: name it
		return ir.Model{}, fmt.Errorf("%s returned an invalid model: %w", id, err)
	}
	return model, nil
}

// parseOptions turns KEY=VALUE flags into plugin options: an integer, a float, a bool,
// or else a string (quotes optional).
func parseOptions(kvs []string) (sdk.Options, error) {
	opts := sdk.Options{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usagef("--option %q: want KEY=VALUE", kv)
		}
		if i, err := strconv.ParseInt(v, 10, 64); err == nil {
			opts[k] = i
		} else if f, err := strconv.ParseFloat(v, 64); err == nil {
			opts[k] = f
		} else if b, err := strconv.ParseBool(v); err == nil {
			opts[k] = b
		} else {
			opts[k] = strings.Trim(v, `"`)
		}
	}
	return opts, nil
}

func (a *app) printBench(arch string, c bench.TrainConfig, results []bench.Result, asJSON bool) error {
	if asJSON {
		out := map[string]any{"arch": arch, "config": c, "device": c.Device.String(), "results": results}
		if len(results) == 2 {
			out["ratio"] = results[0].MsPerStep / results[1].MsPerStep
		}
		data, _ := json.MarshalIndent(out, "", "  ")
		_, err := fmt.Fprintln(a.stdout, string(data))
		return err
	}
	r0 := results[0]
	fmt.Fprintf(a.stdout, "%s, batch %d, %d×%d, %s loss; generator %d parameters, discriminator %d\n",
		arch, c.Batch, c.Size, c.Size, c.Loss, r0.GenParams, r0.DiscParams)
	fmt.Fprintf(a.stdout, "median of %d steps after %d warm-up, generator + discriminator step:\n", c.Steps, c.Warmup)
	for _, r := range results {
		threads := fmt.Sprintf("%d threads", r.Threads)
		if r.Threads == 1 {
			threads = "1 thread"
		}
		fmt.Fprintf(a.stdout, "  %-14s %8.1f ms/step  (%s; %s)\n", r.Engine, r.MsPerStep, threads, r.Backend)
		if t := r.GPU; t != nil {
			fmt.Fprintf(a.stdout, "  %14s per step: %.0f kernels, %.0f cuBLAS products, %.0f uploads, %.0f waits for %.1f ms\n",
				"", t.Launches, t.Products, t.Uploads, t.Syncs, t.WaitMs)
			for i, k := range t.Kernels {
				if i == 25 {
					break
				}
				fmt.Fprintf(a.stdout, "  %14s %8.2f ms/step %5.0f× %s\n", "", k.MsPerStep, k.CallsPerStep, k.Name)
			}
		}
	}
	if len(results) == 2 {
		fmt.Fprintf(a.stdout, "  ratio dnw/torch %.2f×\n", results[0].MsPerStep/results[1].MsPerStep)
	}
	return nil
}
