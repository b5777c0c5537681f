package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"dnw/host/internal/config"
	"dnw/host/internal/lora"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/safetensors"
	"dnw/host/internal/weightgen"
	"dnw/sdk"
)

var predictCmd = &command{
	name:    "predict",
	args:    "--run RUN_DIR --prompt TEXT [flags]",
	summary: "predict a concept's LoRA weights from its prompt",
	help: `predict runs a run's trained weight generator (stages/weightgen/denoiser.safetensors)
on a prompt: it embeds the prompt with the run's text-encoder plugin, predicts all
chunks of the LoRA in one batch — in one denoising step from noise at t* (the
paper's method), or by DDIM sampling — and writes the LoRA as safetensors, one
tensor per LoRA parameter, named as the engine names them. It prints the time taken
by each part. It computes on the CPU unless --device names a GPU (cuda, cuda:N; that
needs bin/dnw-cuda, built by make cuda): a prediction is one batch, cheap anywhere,
so it does not follow the run's experiment.device.

Examples:
  dnw predict --run runs/quickstart --prompt "sepia photograph as pixel art"
  dnw predict --run runs/quickstart --prompt "old brown-toned photo" --sampler ddim --out sepia.safetensors`,
	run: runPredict,
}

func runPredict(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	run := flags.String("run", "", "run directory whose weight generator predicts (required)")
	prompt := flags.String("prompt", "", "the concept's text prompt (required)")
	out := flags.String("out", "", "LoRA file to write (default RUN_DIR/predictions/PROMPT.safetensors)")
	sampler := flags.String("sampler", "", "one-step or ddim (default: the run's weightgen.sampler)")
	tStar := flags.Int("t-star", 0, "timestep of one-step prediction, 1…T (default: the run's weightgen.t_star)")
	steps := flags.Int("ddim-steps", 0, "steps of DDIM sampling, 1…T (default: the run's weightgen.ddim_steps)")
	seed := flags.Uint64("seed", 0, "seed of the starting noise")
	guidance := flags.Float64("guidance", 0, "classifier-free guidance scale, 0…20: 1 the prompt alone, below 1 toward the unconditional prediction (default: the run's weightgen.guidance)")
	devName := flags.String("device", "cpu", "compute device: cpu, cuda or cuda:N")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected arguments %q", strings.Join(pos, " "))
	}
	if *run == "" || strings.TrimSpace(*prompt) == "" {
		return usagef("--run and --prompt are required")
	}
	given := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, c := range []struct {
		flag, key string
		value     float64
	}{{"t-star", "weightgen.t_star", float64(*tStar)}, {"ddim-steps", "weightgen.ddim_steps", float64(*steps)},
		{"guidance", "weightgen.guidance", *guidance}} {
		if given[c.flag] {
			if err := checkFlag(c.flag, c.key, c.value); err != nil {
				return err
			}
		}
	}
	dev, err := flagDevice(*devName)
	if err != nil {
		return err
	}
	start := time.Now()
	path := filepath.Join(*run, "stages/weightgen/denoiser.safetensors")
	saved, err := weightgen.Load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w (has the run's weightgen stage finished?)", err)
	case err != nil:
		// The stage finished and its file was damaged since: the run notices the
		// changed artifact and computes the stage again.
		return fmt.Errorf("the weight generator is corrupt: %w; 'dnw run %s' computes it again", err, *run)
	}
	info := saved.Info
	if *sampler == "" {
		*sampler = info.Sampler
	}
	if !given["t-star"] {
		*tStar = info.TStar
	}
	if !given["ddim-steps"] {
		*steps = info.DDIMSteps
	}
	if !given["guidance"] {
		*guidance = info.Guidance
	}
	// The rules of the config: t_star and ddim_steps at most the schedule's T.
	if T := len(saved.Tables.Alpha); *tStar > T {
		return usagef("--t-star %d exceeds the run's weightgen.timesteps = %d", *tStar, T)
	} else if *steps > T {
		return usagef("--ddim-steps %d exceeds the run's weightgen.timesteps = %d", *steps, T)
	}
	if *sampler != "one-step" && *sampler != "ddim" {
		return usagef("--sampler %q: want one-step or ddim", *sampler)
	}

	textStart := time.Now()
	embedding, err := embedPrompt(ctx, info.TextEncoder, info.TextOptions, *prompt)
	if err != nil {
		return err
	}
	textTime := time.Since(textStart)

	p, err := saved.Predictor(dev)
	if err != nil {
		return err
	}
	defer p.Close()
	p.Guidance = *guidance
	rng := rand.New(rand.NewPCG(*seed, 0x707265646963)) // "predic"
	denoiseStart := time.Now()
	var chunks []float32
	if *sampler == "one-step" {
		chunks, err = p.OneStep(embedding, *tStar, rng)
	} else {
		chunks, err = p.DDIM(embedding, *steps, rng)
	}
	if err != nil {
		return err
	}
	denoiseTime := time.Since(denoiseStart)
	vector := saved.Codec.Vector(chunks)
	if i := slices.IndexFunc(vector, func(w float32) bool { return math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) }); i >= 0 {
		// A LoRA of nan or inf would poison whatever loads it: write none. In-range
		// flags cannot cause it; a damaged or diverged denoiser can.
		return fmt.Errorf("the prediction's weight %d is %v (is %s damaged, or did its training diverge?); nothing written", i, vector[i], path)
	}

	if *out == "" {
		*out = filepath.Join(*run, "predictions", slug(*prompt)+".safetensors")
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	how := *sampler + ", t* = " + strconv.Itoa(*tStar)
	if *sampler == "ddim" {
		how = fmt.Sprintf("ddim, %d steps", *steps)
	}
	if *guidance != 1 {
		how += fmt.Sprintf(", guidance %g", *guidance)
	}
	if err := writeLoRA(*out, saved, vector, map[string]string{
		"dnw.prompt": *prompt, "dnw.sampler": how, "dnw.arch": info.Arch, "dnw.placement": info.Placement}); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d LoRA weights for %q (%s)\n", *out, len(saved.Codec.Mean), *prompt, how)
	fmt.Fprintf(a.stdout, "time: text encoding %s, denoising %s (%d chunks of %d in one batch), total %s\n",
		round(textTime), round(denoiseTime), saved.Spec.Chunks, saved.Spec.ChunkSize, round(time.Since(start)))
	return nil
}

// checkFlag holds a flag to the range of the config key it stands in for, so that a
// flag cannot ask for what the experiment file could not.
func checkFlag(name, key string, v float64) error {
	f, ok := config.Lookup(key)
	if !ok {
		panic("cli: no config key " + key)
	}
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return usagef("--%s %v: not a finite number", name, v)
	case f.Min != nil && v < *f.Min || f.Max != nil && v > *f.Max:
		return usagef("--%s %v: out of range (%s, as %s)", name, v, f.Bounds(), key)
	}
	return nil
}

// embedPrompt embeds one prompt with the text-encoder plugin id.
func embedPrompt(ctx context.Context, id string, opts sdk.Options, prompt string) ([]float32, error) {
	m, err := pluginhost.NewManager(nil)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	c, err := m.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	enc, ok := c.Plugin.(sdk.TextEncoder)
	if !ok {
		return nil, fmt.Errorf("plugin %s is a %s plugin, not a text encoder", id, c.Kind)
	}
	e, err := enc.Encode(ctx, []string{prompt}, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	return e.Data, nil
}

// writeLoRA writes vector as one tensor per LoRA parameter.
func writeLoRA(path string, saved weightgen.Saved, vector []float32, meta map[string]string) error {
	return safetensors.WriteFile(path, safetensors.File{Tensors: lora.Tensors(saved.Codec.Params, vector), Metadata: meta})
}

// slug makes a file name of a prompt: lowercase letters and digits, words joined by '-'.
func slug(prompt string) string {
	words := strings.FieldsFunc(strings.ToLower(prompt), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	s := strings.Join(words, "-")
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" {
		s = "prompt"
	}
	return s
}

// round shortens a duration for printing.
func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
