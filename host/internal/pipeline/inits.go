package pipeline

import (
	"context"
	"fmt"
	"math"

	"dnw/host/internal/concepts"
	"dnw/host/internal/device"
	"dnw/host/internal/weightgen"
	"dnw/sdk"
)

// initMethod is one way to start a held-out concept's fine-tune: one row of stage
// finetune's comparison. Every method then trains with the same data, step budget,
// optimizer and seeds. To add one, write its start function, list it in initMethods
// and in the enum of config's finetune.methods.
type initMethod struct {
	Name string
	Doc  string
	// Scratch trains the whole generator from random weights, without the base model
	// or a LoRA; start is then nil.
	Scratch bool
	// start returns the LoRA vector to start from (nil: the placement's standard
	// init) and where it came from. Its wall-clock time counts toward the method's.
	start func(ctx context.Context, src *initSources, k concepts.Concept) (initial, error)
}

// initial is a method's starting point for one concept.
type initial struct {
	Vector []float32 // lora.Params order; nil: the placement's standard init
	From   string    // what it came from, for the record (e.g. the nearest training concept)
}

// initMethods are the methods finetune.methods may name, in the order reports list them.
var initMethods = []initMethod{
	{Name: "scratch", Scratch: true,
		Doc: "the whole generator from random weights, with a random discriminator: the Pix2pix baseline"},
	{Name: "lora-zero", Doc: "the base model with a LoRA at its standard init (A random, B zero): the E2GAN baseline",
		start: func(context.Context, *initSources, concepts.Concept) (initial, error) {
			return initial{From: "standard init"}, nil
		}},
	{Name: "lora-mean", Doc: "the base model with the mean of the training LoRA vectors",
		start: func(_ context.Context, src *initSources, _ concepts.Concept) (initial, error) {
			return initial{Vector: src.mean, From: "training mean"}, nil
		}},
	{Name: "lora-nearest", Doc: "the base model with the LoRA of the training concept whose prompt embedding is nearest (cosine) to the concept's first prompt's",
		start: startNearest},
	{Name: "generated", Doc: "the base model with the weight generator's prediction from the concept's first prompt (stage weightgen's sampler, t* and seed)",
		start: startGenerated},
}

func lookupInit(name string) (initMethod, error) {
	for _, m := range initMethods {
		if m.Name == name {
			return m, nil
		}
	}
	return initMethod{}, fmt.Errorf("finetune: unknown method %q", name)
}

// initSources is what the methods start from: the weight dataset, the text encoder
// and the trained weight generator.
type initSources struct {
	kept      []keptCheckpoint
	mean      []float32            // of the kept vectors
	last      map[string][]float32 // each training concept's last kept vector
	promptEmb map[string][]float32 // every training prompt's embedding
	encoder   sdk.TextEncoder
	textOpts  sdk.Options
	saved     weightgen.Saved
	predictor *weightgen.Predictor
	seed      uint64
}

// newInitSources gathers what the methods start from; the weight generator predicts on dev.
func newInitSources(ctx context.Context, kept []keptCheckpoint, enc sdk.TextEncoder, opts sdk.Options, saved weightgen.Saved, seed uint64,
	dev device.Name) (*initSources, error) {
	src := &initSources{kept: kept, mean: meanVector(kept), last: map[string][]float32{}, encoder: enc, textOpts: opts, saved: saved, seed: seed}
	for _, k := range kept {
		src.last[k.concept] = k.vector // the index lists a concept's checkpoints in step order
	}
	var err error
	if src.promptEmb, _, err = embedPrompts(ctx, enc, opts, kept); err != nil {
		return nil, err
	}
	if src.predictor, err = saved.Predictor(dev); err != nil {
		return nil, err
	}
	return src, nil
}

func (src *initSources) Close() { src.predictor.Close() }

func (src *initSources) embed(ctx context.Context, prompt string) ([]float32, error) {
	e, err := src.encoder.Encode(ctx, []string{prompt}, src.textOpts)
	if err != nil {
		return nil, err
	}
	return e.Data, nil
}

// startNearest finds the training prompt nearest the concept's first prompt by cosine
// and starts from that prompt's concept's last kept LoRA.
func startNearest(ctx context.Context, src *initSources, k concepts.Concept) (initial, error) {
	q, err := src.embed(ctx, k.Prompts[0])
	if err != nil {
		return initial{}, err
	}
	best, bestCos := "", math.Inf(-1)
	for _, c := range src.kept {
		for _, p := range c.prompts {
			if cos := cosine(q, src.promptEmb[p]); cos > bestCos {
				best, bestCos = c.concept, cos
			}
		}
	}
	return initial{Vector: src.last[best], From: best}, nil
}

// startGenerated predicts the concept's LoRA from its first prompt with the trained
// weight generator, as dnw predict does, with a seed of the experiment's and the
// concept's.
func startGenerated(ctx context.Context, src *initSources, k concepts.Concept) (initial, error) {
	q, err := src.embed(ctx, k.Prompts[0])
	if err != nil {
		return initial{}, err
	}
	rng := conceptStream(src.seed, "finetune/generated/"+k.ID)
	var chunks []float32
	if src.saved.Info.Sampler == "ddim" {
		chunks, err = src.predictor.DDIM(q, src.saved.Info.DDIMSteps, rng)
	} else {
		chunks, err = src.predictor.OneStep(q, src.saved.Info.TStar, rng)
	}
	if err != nil {
		return initial{}, err
	}
	return initial{Vector: src.saved.Codec.Vector(chunks), From: "weight generator, " + src.saved.Info.Sampler}, nil
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}
