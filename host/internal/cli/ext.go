package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"dnw/host/internal/config"
	"dnw/host/internal/extensions"
	"dnw/sdk/ext"
)

const extArgs = "list [EXPERIMENT.toml] | test FILE.wasm"

var extCmd = &command{
	name:    "ext",
	args:    extArgs,
	summary: "list WASM metric and filter extensions, or try one on sample data",
	help: `Extensions are WebAssembly modules that score images (metrics) or keep and drop
records (filters), run sandboxed: no files, network, environment or real clock, a
memory cap and a deadline per call. sdk/ext/README.md explains how to write one.

  dnw ext list                     the built-in extensions, with their metadata
  dnw ext list EXPERIMENT.toml     and the extensions that experiment names, where
                                   it names them, with each module's SHA-256
  dnw ext test FILE.wasm           load a module, print its metadata, run it on
                                   sample data and print results and time per call;
                                   fails when the module breaks the ABI, traps, or
                                   answers inconsistently (not finite, not
                                   deterministic, or a metric whose perfect score is
                                   worse than a noisy one in its own direction)

  --options JSON sets the module's options, checked against its schema as a run's
  [extensions.options.NAME] table is; --deadline bounds each call, as a run's
  extensions.deadline does. A module's stdout and stderr are never shown, except
  their last lines in the error of a call that traps, exits or runs out of memory.

Built-in extensions live in ext/ beside the dnw executable (make build puts them in
bin/ext), or in $DNW_EXT_DIR.

Examples:
  dnw ext list
  dnw ext test bin/ext/ssim.wasm --batch 16 --size 64
  dnw ext test my-metric.wasm --options '{"window": 7}' --deadline 2s`,
	run: runExt,
}

func runExt(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	options := flags.String("options", "", "test: the extension's options as a JSON object")
	batch := flags.Int("batch", 16, "test: images (metric) or records (filter) per call")
	size := flags.Int("size", 64, "test: side of the sample images")
	calls := flags.Int("calls", 5, "test: timed calls per sample input")
	deadline := flags.Duration("deadline", config.Default().Extensions.Deadline.Duration, "test: wall-clock limit per call (a run's extensions.deadline)")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) >= 1 && pos[0] == "list" && len(pos) <= 2:
		return a.listExtensions(ctx, pos[1:])
	case len(pos) == 2 && pos[0] == "test":
		var opts map[string]any
		if *options != "" {
			if err := json.Unmarshal([]byte(*options), &opts); err != nil {
				return usagef("--options: not a JSON object: %v", err)
			}
		}
		if *batch < 2 || *size < 1 || *calls < 1 {
			return usagef("--batch must be ≥ 2, --size and --calls ≥ 1")
		}
		if *deadline <= 0 {
			return usagef("--deadline must be positive, got %s", *deadline)
		}
		return a.testExtension(ctx, pos[1], opts, *deadline, *batch, *size, *calls)
	default:
		return usagef("usage: dnw ext %s", extArgs)
	}
}

// listExtensions prints the built-ins and, given an experiment, the extensions it names.
func (a *app) listExtensions(ctx context.Context, files []string) error {
	rt, err := extensions.NewRuntime(ctx, extensions.SandboxConfig(config.Default().Extensions))
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	dir, err := extensions.BuiltinDir()
	if err != nil {
		return err
	}
	names, err := extensions.Builtins()
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "built-in extensions (%s):\n", dir)
	if len(names) == 0 {
		fmt.Fprintf(a.stdout, "  none: make build puts them there, or set %s\n", extensions.EnvBuiltinDir)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tKIND\tVERSION\tOPTIONS\tDESCRIPTION")
	for _, name := range names {
		e, err := rt.Open(ctx, filepath.Join(dir, name+".wasm"), nil)
		if err != nil {
			fmt.Fprintf(tw, "  %s\tbroken\t\t\t%v\n", name, err)
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", e.Info.Name, kindOf(e.Info), e.Info.Version, optionNames(e.Info), e.Info.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, file := range files {
		r, err := config.Load(file, nil)
		if err != nil {
			return err
		}
		set := extensions.NewSet(&r.Config)
		used, err := set.CheckExperiment(ctx, r)
		set.Close(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "\n%s names:\n", file)
		tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  KEY\tEXTENSION\tNAME\tVERSION\tSHA-256")
		for _, u := range used {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", u.Key, u.Ref, u.Name, u.Version, u.SHA256[:16]+"…")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// kindOf is "metric ↑", "metric ↓" or "filter (records)".
func kindOf(i ext.Info) string {
	switch {
	case i.Kind == ext.KindMetric && i.HigherIsBetter:
		return "metric ↑"
	case i.Kind == ext.KindMetric:
		return "metric ↓"
	default:
		return "filter (" + i.Records + ")"
	}
}

// optionNames lists the properties of an options schema, or "—".
func optionNames(i ext.Info) string {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(i.OptionsSchema, &s) != nil || len(s.Properties) == 0 {
		return "—"
	}
	var names []string
	for n := range s.Properties {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// testExtension opens a module and runs it on sample data of its kind.
func (a *app) testExtension(ctx context.Context, path string, options map[string]any, deadline time.Duration, batch, size, calls int) error {
	cfg := extensions.SandboxConfig(config.Default().Extensions)
	cfg.Deadline = deadline
	rt, err := extensions.NewRuntime(ctx, cfg)
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	e, err := rt.Open(ctx, path, options)
	if err != nil {
		return err
	}
	info, _ := json.MarshalIndent(e.Info, "  ", "  ")
	fmt.Fprintf(a.stdout, "%s (sha256 %s)\n  compiled or loaded in %s\n  %s\n", path, e.Checksum[:16]+"…", e.CompileTime.Round(time.Millisecond), info)
	rng := rand.New(rand.NewPCG(1, 2))
	if e.Info.Kind == ext.KindMetric {
		return a.testMetric(ctx, e, rng, batch, size, calls)
	}
	return a.testFilter(ctx, e, rng, batch, size, calls)
}

// testMetric scores a random target batch against itself and against two noisy
// copies, and checks the scores are repeatable and ordered in the metric's
// direction (a score that is not finite is already the extension's error, from
// Score).
func (a *app) testMetric(ctx context.Context, e *extensions.Extension, rng *rand.Rand, batch, size, calls int) error {
	target := ext.Images{N: batch, C: 3, H: size, W: size, Pix: make([]float32, batch*3*size*size)}
	for i := range target.Pix {
		target.Pix[i] = 2*rng.Float32() - 1
	}
	fmt.Fprintf(a.stdout, "\nsample: %d random images 3×%d×%d against themselves and noisy copies\n", batch, size, size)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PREDICTION\tSCORE\tSUB-SCORES\tTIME PER CALL (median)")
	var scores []float64
	var problems []string
	for _, noise := range []float32{0, 0.1, 0.5} {
		pred := target
		pred.Pix = make([]float32, len(target.Pix))
		for i, v := range target.Pix {
			pred.Pix[i] = max(-1, min(1, v+noise*(2*rng.Float32()-1)))
		}
		var first ext.Score
		var times []time.Duration
		for c := range calls {
			t0 := time.Now()
			s, err := e.Score(ctx, pred, target)
			times = append(times, time.Since(t0))
			if err != nil {
				return err
			}
			if c == 0 {
				first = s
			} else if s.Value != first.Value {
				problems = append(problems, fmt.Sprintf("not deterministic: %v then %v on the same input", first.Value, s.Value))
			}
		}
		var subs []string
		for _, sub := range first.Sub {
			subs = append(subs, fmt.Sprintf("%s=%.6g", sub.Name, sub.Value))
		}
		fmt.Fprintf(tw, "target + noise %g\t%.6g\t%s\t%s\n", noise, first.Value, strings.Join(subs, " "), medianDuration(times))
		scores = append(scores, first.Value)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i := 1; i < len(scores); i++ {
		if better(scores[i], scores[i-1], e.Info.HigherIsBetter) {
			problems = append(problems, fmt.Sprintf("a noisier prediction scores better (%v after %v) although higher_is_better is %v",
				scores[i], scores[i-1], e.Info.HigherIsBetter))
		}
	}
	return verdictOf(a, e, problems)
}

func better(a, b float64, higher bool) bool {
	if higher {
		return a > b
	}
	return a < b
}

// testFilter runs a filter on sample records of its kind, including one that a
// sensible filter of that kind drops, and checks the verdicts are repeatable.
func (a *app) testFilter(ctx context.Context, e *extensions.Extension, rng *rand.Rand, batch, size, calls int) error {
	b, about := sampleRecords(e.Info.Records, rng, batch, size)
	fmt.Fprintf(a.stdout, "\nsample: %s\n", about)
	var first []ext.Verdict
	var times []time.Duration
	var problems []string
	for c := range calls {
		t0 := time.Now()
		vs, err := e.Filter(ctx, b)
		times = append(times, time.Since(t0))
		if err != nil {
			return err
		}
		if c == 0 {
			first = vs
		} else if !slices.Equal(vs, first) {
			problems = append(problems, "not deterministic: different verdicts on the same records")
		}
	}
	kept := 0
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECORD\tVERDICT\tREASON")
	for i, v := range first {
		verdict := "drop"
		if v.Keep {
			verdict, kept = "keep", kept+1
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\n", i, verdict, v.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "kept %d of %d; %s per call (median of %d)\n", kept, len(first), medianDuration(times), calls)
	return verdictOf(a, e, problems)
}

// sampleRecords makes n records of a kind: plausible ones and, last, one that a
// filter of that kind would be expected to drop.
func sampleRecords(kind string, rng *rand.Rand, n, size int) (ext.Batch, string) {
	switch kind {
	case ext.RecordsCheckpoints:
		c := &ext.Checkpoints{Metric: "psnr", HigherIsBetter: true}
		for i := range n {
			c.Records = append(c.Records, ext.Checkpoint{Concept: fmt.Sprintf("c%d", i/4), Step: 100 + 20*(i%4), Metric: 20 + rng.Float64()*0.2, Best: 20.2})
		}
		c.Records[n-1].Metric = 12 // far from its best
		return ext.Batch{Checkpoints: c}, fmt.Sprintf("%d checkpoints (psnr, higher is better), the last far from its concept's best", n)
	case ext.RecordsConcepts:
		var cs []ext.Concept
		for i := range n {
			emb := make([]float32, 64)
			for j := range emb {
				emb[j] = float32(rng.NormFloat64())
			}
			cs = append(cs, ext.Concept{ID: fmt.Sprintf("c%d", i), Prompts: []string{fmt.Sprintf("concept %d", i)}, Embedding: emb})
		}
		cs[n-1].Embedding = slices.Clone(cs[0].Embedding) // a duplicate of the first
		return ext.Batch{Concepts: cs}, fmt.Sprintf("%d concepts with random 64-d embeddings, the last a duplicate of the first", n)
	default:
		p := &ext.Pairs{C: 3, H: size, W: size}
		for i := range n {
			src, tgt := make([]float32, 3*size*size), make([]float32, 3*size*size)
			for j := range src {
				src[j] = 2*rng.Float32() - 1
				tgt[j] = -src[j] // an inversion
			}
			p.Records = append(p.Records, ext.Pair{Concept: "c0", Index: i, Source: src, Target: tgt})
		}
		p.Records[n-1].Target = slices.Clone(p.Records[n-1].Source) // no edit
		return ext.Batch{Pairs: p}, fmt.Sprintf("%d random pairs 3×%d×%d (target = inverted source), the last with target = source", n, size, size)
	}
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Microsecond)
}

// verdictOf prints the outcome and turns problems into the command's error.
func verdictOf(a *app, e *extensions.Extension, problems []string) error {
	if len(problems) == 0 {
		fmt.Fprintf(a.stdout, "ok: %s answers the ABI consistently\n", e.Info.Name)
		return nil
	}
	return errors.New("extension " + e.Info.Name + " (" + e.Path + "): " + strings.Join(problems, "; "))
}
