package pipeline

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"dnw/host/internal/concepts"
	"dnw/host/internal/device"
	"dnw/host/internal/engine"
	"dnw/host/internal/weightgen"
	"dnw/sdk"
)

// tableEncoder is a text encoder that looks prompts up in a table.
type tableEncoder map[string][]float32

func (tableEncoder) Info() sdk.Info { return sdk.Info{ID: "text.table", Kind: sdk.KindTextEncoder} }

func (e tableEncoder) Encode(_ context.Context, prompts []string, _ sdk.Options) (sdk.Embeddings, error) {
	var out sdk.Embeddings
	for _, p := range prompts {
		v, ok := e[p]
		if !ok {
			return out, fmt.Errorf("text.table: no embedding for %q", p)
		}
		out.Dim, out.Data = len(v), append(out.Data, v...)
	}
	return out, nil
}

var _ sdk.TextEncoder = tableEncoder(nil)

// lora-nearest starts from the last kept LoRA of the training concept that has the
// prompt of highest cosine similarity to the held-out concept's first prompt. The
// embeddings are chosen so that every other rule picks another concept: the lowest
// cosine ("far"), the largest dot product ("long"), the nearest in L2 ("near in
// l2"), the first or the last concept, a concept's first prompt only
// ("best" wins with its second prompt), or a concept's first kept checkpoint.
func TestLoraNearestPicksTheHighestCosine(t *testing.T) {
	enc := tableEncoder{ // cosine, dot product and L2 distance to the query in the comments
		"query":      {1, 0.2, 0},
		"long":       {10, 6, 0},      // 0.94, 11.2 (the largest), 10.7
		"best, 1":    {0, 0, 1},       // 0, 0, 1.43
		"best, 2":    {0.5, 0.1, 0},   // 1 (parallel), 0.52, 0.51
		"far":        {-1, 0, 0},      // −0.98 (the lowest), −1, 2.01
		"near in l2": {0.9, 0.4, 0.1}, // 0.97, 0.98, 0.25 (the nearest)
	}
	kept := []keptCheckpoint{
		{concept: "c-long", prompts: []string{"long"}, vector: []float32{1}},
		{concept: "c-best", prompts: []string{"best, 1", "best, 2"}, vector: []float32{2}},
		{concept: "c-best", prompts: []string{"best, 1", "best, 2"}, vector: []float32{3}},
		{concept: "c-far", prompts: []string{"far"}, vector: []float32{4}},
		{concept: "c-l2", prompts: []string{"near in l2"}, vector: []float32{5}},
	}
	src := &initSources{kept: kept, mean: meanVector(kept), last: map[string][]float32{}, encoder: enc}
	for _, k := range kept {
		src.last[k.concept] = k.vector
	}
	var err error
	if src.promptEmb, _, err = embedPrompts(context.Background(), enc, nil, kept); err != nil {
		t.Fatal(err)
	}
	got, err := startNearest(context.Background(), src, concepts.Concept{ID: "h0", Prompts: []string{"query", "long"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.From != "c-best" || !slices.Equal(got.Vector, []float32{3}) {
		t.Errorf("lora-nearest started from %q's %v; want c-best's last kept LoRA [3], the highest cosine", got.From, got.Vector)
	}
}

// generated predicts the start from the held-out concept's first prompt: with the
// same concept id (so the same noise) and another prompt, the start differs; with
// the same prompt it is the same. Both samplers.
func TestGeneratedStartFollowsThePrompt(t *testing.T) {
	enc := tableEncoder{"a": {1, -0.5, 0.25, 2}, "b": {-1, 0.75, 0.5, -0.25}}
	saved := randomWeightGenerator(t, len(enc["a"]))
	for _, sampler := range []string{"one-step", "ddim"} {
		t.Run(sampler, func(t *testing.T) {
			saved.Info.Sampler = sampler
			p, err := saved.Predictor(device.CPU)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			src := &initSources{encoder: enc, saved: saved, predictor: p, seed: 5}
			start := func(prompt string) []float32 {
				t.Helper()
				got, err := startGenerated(context.Background(), src, concepts.Concept{ID: "h0", Prompts: []string{prompt, "b"}})
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Vector) != saved.Codec.Layout.Len() {
					t.Fatalf("a start of %d weights, want %d", len(got.Vector), saved.Codec.Layout.Len())
				}
				return got.Vector
			}
			a, b, again := start("a"), start("b"), start("a")
			if !slices.Equal(a, again) {
				t.Error("the same prompt and concept gave two starts")
			}
			if distance(a, b) < 1e-3*math.Sqrt(float64(len(a))) {
				t.Errorf("prompts a and b gave starts %.3g apart: the start does not follow the prompt", distance(a, b))
			}
		})
	}
}

// randomWeightGenerator is a tiny weight generator (two chunks of 16 weights) with
// random weights everywhere: its initialization starts the output and the text route
// at zero, which would make every prediction the same.
func randomWeightGenerator(t *testing.T, textDim int) weightgen.Saved {
	t.Helper()
	params := []sdk.Param{{Name: "w", Shape: []int{32}, Group: "l0"}}
	layout := sdk.ChunkLayout{ChunkSize: 16, Groups: []string{"l0"}, Chunks: []sdk.Chunk{
		{Segments: []sdk.Segment{{Param: 0, Offset: 0, Len: 16}}},
		{Segments: []sdk.Segment{{Param: 0, Offset: 16, Len: 16}}},
	}}
	rng := rand.New(rand.NewPCG(1, 2))
	var vectors [][]float32
	for range 3 {
		v := make([]float32, 32)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		vectors = append(vectors, v)
	}
	codec, err := weightgen.NewCodec(layout, params, vectors)
	if err != nil {
		t.Fatal(err)
	}
	spec := weightgen.Spec{ChunkSize: 16, Widths: [3]int{8, 8, 8}, Depths: [3]int{1, 1, 1}, Heads: 2, TextDim: textDim,
		SinDim: 8, BlockIndex: weightgen.IndexSinusoidal, Output: weightgen.OutputV, Chunks: 2}
	g, err := weightgen.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.Compile(g, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	weights := m.Tensors()
	for _, w := range weights {
		for i := range w.Data {
			w.Data[i] += float32(0.1 * rng.NormFloat64())
		}
	}
	var tables sdk.ScheduleTables
	bar := 1.0
	for i := range 100 { // DDPM's linear β from 1e-4 to 0.02
		bar *= 1 - (1e-4 + (0.02-1e-4)*float64(i)/99)
		tables.AlphaBar = append(tables.AlphaBar, bar)
		tables.Alpha, tables.Sigma = append(tables.Alpha, math.Sqrt(bar)), append(tables.Sigma, math.Sqrt(1-bar))
	}
	return weightgen.Saved{Spec: spec, Codec: codec, Tables: tables, Weights: weights,
		Info: weightgen.Info{TStar: 99, DDIMSteps: 4, Guidance: 1}}
}
