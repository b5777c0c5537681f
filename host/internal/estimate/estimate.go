package estimate

import (
	"fmt"
	"slices"

	"dnw/host/internal/config"
)

// Constants of the model, measured with bin/dnw on the reference machine (2 cores,
// OpenBLAS, Go 1.26) as the peak resident set of `dnw run` (/usr/bin/time -f %M)
// at two sizes of one key, the rest fixed.
const (
	// runtimeBytes: dnw, its plugin processes and the engine before any data.
	// experiments/tiny.toml peaks at 197 MiB through stage weightgen.
	runtimeBytes = 256 << 20

	// ganRuntimeBytes: the same for a stage that trains arch.e2gan, its compiled
	// graphs and their buffers. Fitted to base.toml's peaks with the terms below
	// (0.99–3.34 GB at batch 4 and 32, 32×32 and 64×64; the fit is within 11%).
	ganRuntimeBytes = 512 << 20

	// ganPixelBytes: the memory of one training step per pixel of each pair of its
	// batch: the forward and backward activations of arch.e2gan's generator and
	// PatchGAN discriminator at their default widths (32 and 64). base.toml grew by
	// 15.2 MB a pair at 32×32 and 56 MB at 64×64 from batch 4 to 32: 14.8 and 13.8 KB
	// a pixel. Evaluation batches (forward only) are counted at the same rate, which
	// over-counts them.
	ganPixelBytes = 14 << 10

	// ganPixelSeconds: the time of one training step per pixel of each pair on two
	// cores: base.toml (300 steps of 8 pairs of 32×32) trains in about 75 s. The
	// forward pass of an evaluation costs about a third of that.
	ganPixelSeconds = 30e-6

	// unetFloats: the activations of one chunk in one weight-generator step, in
	// float32 values per unit of unetUnits (positions × channels × ResBlocks + 1,
	// summed over the three levels). Measured: 4.3 MB a chunk at chunk_size 256,
	// widths [8, 16, 32] (12 288 units), 16.4 MB at 1024 (49 152 units); the
	// attention term below makes the second 27% too high.
	unetFloats = 90

	// attentionFloats: the attention maps of the middle transformer block kept for
	// the backward pass, per head and per pair of its (chunk_size/4) positions:
	// scores, softmax and their gradient. Negligible at the shipped chunk sizes, it
	// is what grows fastest with chunk_size (quadratically).
	attentionFloats = 3

	// unetUnitSeconds: one chunk's training step per unit of unetUnits on two cores:
	// 4.3 ms a chunk at 12 288 units, 18 ms at 49 152.
	unetUnitSeconds = 0.35e-6

	// loraPerRank: LoRA weights per unit of lora.rank: lora.e2gan-paper on arch.e2gan
	// at its default options has 53 568 at rank 4 (docs/benchmarks.md). Other
	// placements have fewer (lora.attention-only: 4 096 at rank 4), so this errs high.
	loraPerRank = 53568 / 4

	// baseEvalPairs is pipeline.evalPairs: the test pairs stage base translates at
	// each evaluation.
	baseEvalPairs = 16
)

// Term is one part of a stage's memory.
type Term struct {
	What  string // what it holds, naming the keys that size it
	Bytes float64
	// OnDevice: the compute device holds the term (activations, parameters), so it
	// counts against host memory only when experiment.device is the CPU.
	OnDevice bool
}

// Stage is one stage's estimate.
type Stage struct {
	Name    string
	Terms   []Term
	Seconds float64 // wall time on the reference machine's two cores; 0 when negligible
	Work    string  // what Seconds counts, naming the keys that size it
}

// HostBytes is the stage's peak in host memory: all its terms on the CPU, those
// off the device otherwise.
func (s Stage) HostBytes(cpu bool) float64 {
	var sum float64
	for _, t := range s.Terms {
		if cpu || !t.OnDevice {
			sum += t.Bytes
		}
	}
	return sum
}

// Largest is the term that counts most against host memory.
func (s Stage) Largest(cpu bool) Term {
	var best Term
	for _, t := range s.Terms {
		if (cpu || !t.OnDevice) && t.Bytes > best.Bytes {
			best = t
		}
	}
	return best
}

// Of estimates the stages of c named in stages (all it knows when stages is nil),
// in that order; jobs is dnw run --jobs, the concepts stages collect and finetune
// train at once. Stages with nothing worth counting (concepts, report) are left out.
func Of(c *config.Config, stages []string, jobs int) []Stage {
	jobs = max(jobs, 1)
	d := c.Data
	size := float64(d.ImageSize)
	px := size * size
	pairs := Term{
		What: fmt.Sprintf("paired images: %d concepts (data.train_concepts + data.heldout_concepts) × %d pairs (data.pairs_per_concept + data.test_pairs) × 2 images of 3×%d×%d float32",
			d.TrainConcepts+d.HeldoutConcepts, d.PairsPerConcept+d.TestPairs, d.ImageSize, d.ImageSize),
		Bytes: float64(d.TrainConcepts+d.HeldoutConcepts) * float64(d.PairsPerConcept+d.TestPairs) * 2 * 3 * px * 4,
	}
	runtime := Term{What: "dnw and its plugins", Bytes: runtimeBytes}
	gan := func(name string, t config.Training, evalPairs, fits int, perJob bool) Stage {
		n := 1
		if perJob {
			n = jobs
		}
		steps := "a training step"
		if n > 1 {
			steps = fmt.Sprintf("%d training steps at once (--jobs)", n)
		}
		act := Term{
			What: fmt.Sprintf("the activations of %s of %s.batch = %d pairs (+ %d evaluated) of %d×%d, at %d KiB a pixel",
				steps, name, t.Batch, evalPairs, d.ImageSize, d.ImageSize, ganPixelBytes>>10),
			Bytes:    float64(n) * float64(t.Batch+evalPairs) * px * ganPixelBytes,
			OnDevice: true,
		}
		evals := float64(t.Steps/t.EvalEvery + 1)
		perFit := float64(t.Steps)*float64(t.Batch)*px*ganPixelSeconds + evals*float64(evalPairs)*px*ganPixelSeconds/3
		work := fmt.Sprintf("%s.steps = %d steps of %d pairs of %d×%d", name, t.Steps, t.Batch, d.ImageSize, d.ImageSize)
		if fits > 1 {
			work = fmt.Sprintf("%d fits of %s", fits, work)
		}
		return Stage{Name: name, Seconds: float64(fits) * perFit, Work: work, Terms: []Term{
			{What: "dnw, its plugins and the GAN's graphs", Bytes: ganRuntimeBytes}, pairs, act}}
	}
	all := []Stage{
		{Name: "pairs", Terms: []Term{runtime, pairs, {What: "the paired images encoded for pairs.safetensors", Bytes: pairs.Bytes}}},
		gan("base", c.Base, min(baseEvalPairs, d.TrainConcepts), 1, false),
		gan("collect", c.Collect.Training, d.TestPairs, d.TrainConcepts, true),
		weightgen(c, runtime),
		gan("finetune", c.Finetune.Training, d.TestPairs, d.HeldoutConcepts*len(c.Finetune.Methods), true),
	}
	s := c.Selftest
	rows := Term{What: fmt.Sprintf("the regression data: selftest.samples = %d rows of selftest.dim = %d float64 features, and their bytes in data.bin", s.Samples, s.Dim),
		Bytes: float64(s.Samples) * float64(s.Dim+1) * 8 * 2}
	all = append(all, Stage{Name: "sample", Terms: []Term{runtime, rows}}, Stage{Name: "fit", Terms: []Term{runtime, rows}})
	if stages == nil {
		return all
	}
	var out []Stage
	for _, name := range stages {
		if i := slices.IndexFunc(all, func(s Stage) bool { return s.Name == name }); i >= 0 {
			out = append(out, all[i])
		}
	}
	return out
}

// weightgen estimates stage weightgen: the weight dataset, the denoiser's parameters
// with AdamW's state and the EMA copy, and one step's activations.
func weightgen(c *config.Config, runtime Term) Stage {
	w := c.Weightgen
	var widths, depths [3]float64
	for i := range 3 {
		if i < len(w.Widths) {
			widths[i] = float64(w.Widths[i])
		}
		if i < len(w.Depths) {
			depths[i] = float64(w.Depths[i])
		}
	}
	b := float64(w.ChunkSize)
	var units, params float64
	for l := range 3 {
		units += b / float64(int(1)<<l) * widths[l] * (depths[l] + 1)
		// Each ResBlock has two conv1d of kernel 3, on the way down and again up.
		params += 2 * depths[l] * 2 * 3 * widths[l] * widths[l]
	}
	params += 12 * widths[2] * widths[2] // the middle: two ResBlocks, attention and its MLP
	tokens := b / 4
	perChunk := unetFloats*units + attentionFloats*float64(w.Heads)*tokens*tokens
	lora := float64(c.LoRA.Rank) * loraPerRank
	return Stage{
		Name:    "weightgen",
		Seconds: float64(w.Steps) * float64(w.Batch) * units * unetUnitSeconds,
		Work: fmt.Sprintf("weightgen.steps = %d steps of weightgen.batch = %d chunks of %d weights through widths %v",
			w.Steps, w.Batch, w.ChunkSize, w.Widths),
		Terms: []Term{
			runtime,
			{What: fmt.Sprintf("the weight dataset: data.train_concepts = %d × collect.checkpoints = %d LoRA vectors of about %.0f weights (lora.rank = %d), raw and normalized",
				c.Data.TrainConcepts, c.Collect.Checkpoints, lora, c.LoRA.Rank),
				Bytes: float64(c.Data.TrainConcepts) * float64(c.Collect.Checkpoints) * lora * 4 * 2},
			{What: fmt.Sprintf("the denoiser's %.3g parameters (weightgen.widths) with their gradients, AdamW's moments and the EMA copy", params),
				Bytes: params * 4 * 5, OnDevice: true},
			{What: fmt.Sprintf("the activations of weightgen.batch = %d chunks of weightgen.chunk_size = %d at weightgen.widths %v (%.3g MB a chunk)",
				w.Batch, w.ChunkSize, w.Widths, perChunk*4/1e6),
				Bytes: float64(w.Batch) * perChunk * 4, OnDevice: true},
		},
	}
}
