package chunktest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"dnw/sdk"
)

// Sizes of the random cases: at most MaxDims dimensions of at most MaxDim each, chunk
// sizes up to MaxChunk (Gong et al. 2024 compared b = 128, 256 and 512),
// and up to MaxParams params in up to MaxGroups groups.
const (
	MaxDims   = 4
	MaxDim    = 300
	MaxChunk  = 512
	MaxParams = 8
	MaxGroups = 4
	MaxSize   = 1 << 16 // weights of one param; a rank-4 LoRA of a 256→256 3×3 conv has 4·256·9 + 256·4 = 10,240 in all
)

// RandomParams draws 1..MaxParams params with 1..MaxDims dimensions. The product of
// the dimensions is kept at most MaxSize so a case stays fast; groups are
// drawn from MaxGroups names, so a group's params need not be adjacent.
func RandomParams(r *rand.Rand) []sdk.Param {
	params := make([]sdk.Param, 1+r.IntN(MaxParams))
	for i := range params {
		shape := make([]int, 1+r.IntN(MaxDims))
		size := 1
		for d := range shape {
			limit := max(1, min(MaxDim, MaxSize/size))
			shape[d] = 1 + r.IntN(limit)
			size *= shape[d]
		}
		params[i] = sdk.Param{Name: fmt.Sprintf("p%d", i), Shape: shape, Group: fmt.Sprintf("g%d", r.IntN(MaxGroups))}
	}
	return params
}

// RoundTrip checks that l validates for params and that Flatten then Unflatten gives
// back random values exactly, without touching the inputs. It returns the chunk vector.
func RoundTrip(t testing.TB, r *rand.Rand, l sdk.ChunkLayout, params []sdk.Param) []float32 {
	t.Helper()
	if err := l.Validate(params); err != nil {
		t.Fatalf("invalid layout: %v", err)
	}
	values := make([][]float32, len(params))
	for i, p := range params {
		values[i] = make([]float32, p.Size())
		for j := range values[i] {
			values[i][j] = r.Float32() - 0.5
		}
	}
	before := make([][]float32, len(values))
	for i := range values {
		before[i] = slices.Clone(values[i])
	}
	flat := make([]float32, l.Len())
	l.Flatten(flat, values)
	saved := slices.Clone(flat)
	back := make([][]float32, len(params))
	for i, p := range params {
		back[i] = make([]float32, p.Size())
	}
	l.Unflatten(back, flat)
	for i := range values {
		if !slices.Equal(values[i], before[i]) {
			t.Fatalf("Flatten mutated param %d", i)
		}
		if !slices.Equal(back[i], values[i]) {
			t.Fatalf("param %d (%s) did not round-trip", i, params[i].Name)
		}
	}
	if !slices.Equal(flat, saved) {
		t.Fatal("Unflatten mutated the chunks")
	}
	return flat
}

// Property runs c on cases random cases from the seed and checks each layout with
// RoundTrip, then with check (the chunker's own rule), if not nil.
func Property(t *testing.T, c sdk.Chunker, seed uint64, cases int, check func(t *testing.T, params []sdk.Param, chunkSize int, l sdk.ChunkLayout)) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	for n := range cases {
		params := RandomParams(r)
		chunkSize := 1 + r.IntN(MaxChunk)
		l, err := c.Layout(context.Background(), params, chunkSize, nil)
		if err != nil {
			t.Fatalf("case %d (chunk size %d, params %v): %v", n, chunkSize, params, err)
		}
		if l.ChunkSize != chunkSize {
			t.Fatalf("case %d: chunk size %d, want %d", n, l.ChunkSize, chunkSize)
		}
		RoundTrip(t, r, l, params)
		if check != nil {
			check(t, params, chunkSize, l)
		}
		if t.Failed() {
			t.Fatalf("case %d failed: chunk size %d, params %v", n, chunkSize, params)
		}
	}
}

// Padding is the number of zero-padding positions of each chunk of l.
func Padding(l sdk.ChunkLayout) []int {
	out := make([]int, len(l.Chunks))
	for n, ch := range l.Chunks {
		used := 0
		for _, s := range ch.Segments {
			used += s.Len
		}
		out[n] = l.ChunkSize - used
	}
	return out
}
