package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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
	tStar := flags.Int("t-star", 0, "timestep of one-step prediction (default: the run's weightgen.t_star)")
	steps := flags.Int("ddim-steps", 0, "steps of DDIM sampling (default: the run's weightgen.ddim_steps)")
	seed := flags.Uint64("seed", 0, "seed of the starting noise")
	guidance := flags.Float64("guidance", -1, "classifier-free guidance scale: 1 the prompt alone, below 1 toward the unconditional prediction (default: the run's weightgen.guidance)")
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
	dev, err := flagDevice(*devName)
	if err != nil {
		return err
	}
	start := time.Now()
	path := filepath.Join(*run, "stages/weightgen/denoiser.safetensors")
	saved, err := weightgen.Load(path)
	if err != nil {
		return fmt.Errorf("%w (has the run's weightgen stage finished?)", err)
	}
	info := saved.Info
	if *sampler == "" {
		*sampler = info.Sampler
	}
	if *tStar == 0 {
		*tStar = info.TStar
	}
	if *steps == 0 {
		*steps = info.DDIMSteps
	}
	if *guidance < 0 {
		*guidance = info.Guidance
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
	if err := writeLoRA(*out, saved, saved.Codec.Vector(chunks), map[string]string{
		"dnw.prompt": *prompt, "dnw.sampler": how, "dnw.arch": info.Arch, "dnw.placement": info.Placement}); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d LoRA weights for %q (%s)\n", *out, len(saved.Codec.Mean), *prompt, how)
	fmt.Fprintf(a.stdout, "time: text encoding %s, denoising %s (%d chunks of %d in one batch), total %s\n",
		round(textTime), round(denoiseTime), saved.Spec.Chunks, saved.Spec.ChunkSize, round(time.Since(start)))
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
