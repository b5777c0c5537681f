package sdk_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dnw/sdk"
)

// twoParams are a (2, 3) and a (4,) tensor: 10 weights.
var twoParams = []sdk.Param{
	{Name: "a", Shape: []int{2, 3}, Group: "l1"},
	{Name: "b", Shape: []int{4}, Group: "l2"},
}

// twoLayout puts a's 6 weights into chunks 0 and 1 and b's 4 into chunk 1 and 2, with
// padding at the front of chunk 2 and the end of chunk 1 and 2 to exercise At.
var twoLayout = sdk.ChunkLayout{
	ChunkSize: 4,
	Groups:    []string{"l1", "l2"},
	Chunks: []sdk.Chunk{
		{Group: 0, Segments: []sdk.Segment{{Param: 0, Offset: 0, At: 0, Len: 4}}},
		{Group: 0, Segments: []sdk.Segment{{Param: 1, Offset: 0, At: 2, Len: 1}, {Param: 0, Offset: 4, At: 0, Len: 2}}},
		{Group: 1, Segments: []sdk.Segment{{Param: 1, Offset: 1, At: 1, Len: 3}}},
	},
}

func TestFlattenUnflattenByHand(t *testing.T) {
	if err := twoLayout.Validate(twoParams); err != nil {
		t.Fatal(err)
	}
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{7, 8, 9, 10}
	flat := []float32{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1} // dirty: padding must be zeroed
	twoLayout.Flatten(flat, [][]float32{a, b})
	want := []float32{1, 2, 3, 4, 5, 6, 7, 0, 0, 8, 9, 10}
	if !slices.Equal(flat, want) {
		t.Errorf("Flatten = %v, want %v", flat, want)
	}
	if !slices.Equal(a, []float32{1, 2, 3, 4, 5, 6}) || !slices.Equal(b, []float32{7, 8, 9, 10}) {
		t.Error("Flatten mutated its params")
	}
	flatCopy := slices.Clone(flat)
	got := [][]float32{make([]float32, 6), make([]float32, 4)}
	twoLayout.Unflatten(got, flat)
	if !slices.Equal(got[0], a) || !slices.Equal(got[1], b) {
		t.Errorf("Unflatten = %v, want %v %v", got, a, b)
	}
	if !slices.Equal(flat, flatCopy) {
		t.Error("Unflatten mutated its chunks")
	}
	if twoLayout.Len() != 12 {
		t.Errorf("Len = %d, want 12", twoLayout.Len())
	}
}

func TestValidateRejects(t *testing.T) {
	seg := func(p, off, at, n int) sdk.Segment { return sdk.Segment{Param: p, Offset: off, At: at, Len: n} }
	one := []sdk.Param{{Name: "w", Shape: []int{5}}}
	layout := func(size int, chunks ...sdk.Chunk) sdk.ChunkLayout {
		return sdk.ChunkLayout{ChunkSize: size, Groups: []string{"g"}, Chunks: chunks}
	}
	chunk := func(segs ...sdk.Segment) sdk.Chunk { return sdk.Chunk{Segments: segs} }
	for _, tc := range []struct {
		name   string
		params []sdk.Param
		l      sdk.ChunkLayout
		want   string
	}{
		{"zero chunk size", one, layout(0, chunk(seg(0, 0, 0, 5))), "chunk size 0"},
		{"negative shape", []sdk.Param{{Name: "w", Shape: []int{2, -1}}}, layout(4), "negative shape"},
		{"bad group", one, sdk.ChunkLayout{ChunkSize: 8, Chunks: []sdk.Chunk{chunk(seg(0, 0, 0, 5))}}, "group 0 out of range"},
		{"empty chunk", one, layout(8, chunk(seg(0, 0, 0, 5)), chunk()), "chunk 1 holds no weights"},
		{"bad param", one, layout(8, chunk(seg(1, 0, 0, 5))), "param 1 out of range"},
		{"empty segment", one, layout(8, chunk(seg(0, 0, 0, 5), seg(0, 5, 5, 0))), "length 0"},
		{"past the param", one, layout(8, chunk(seg(0, 0, 0, 6))), "outside param 0 (w)"},
		{"negative offset", one, layout(8, chunk(seg(0, -1, 0, 5))), "outside param 0 (w)"},
		{"past the chunk", one, layout(4, chunk(seg(0, 0, 0, 5))), "outside a chunk of 4"},
		{"negative at", one, layout(8, chunk(seg(0, 0, -1, 5))), "outside a chunk of 8"},
		{"overlap in chunk", one, layout(8, chunk(seg(0, 0, 0, 3), seg(0, 3, 2, 2))), "overlap"},
		{"weight twice", one, layout(8, chunk(seg(0, 0, 0, 5)), chunk(seg(0, 4, 0, 1))), "weight 4 is in two chunks"},
		{"gap", one, layout(8, chunk(seg(0, 0, 0, 2), seg(0, 3, 3, 2))), "weights [2, 3) are in no chunk"},
		{"tail missing", one, layout(8, chunk(seg(0, 0, 0, 4))), "weights [4, 5) are in no chunk"},
		{"param missing", twoParams, layout(8, chunk(seg(0, 0, 0, 6))), "param 1 (b): weights [0, 4) are in no chunk"},
	} {
		err := tc.l.Validate(tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "sdk: layout: ") {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// randomLayout cuts params into runs of random length and scatters them over chunks at
// random positions, in random chunk order: a layout no chunker would make, which still
// covers every weight once. It exercises Validate, Flatten and Unflatten beyond the
// orderly layouts of the bundled chunkers.
func randomLayout(r *rand.Rand, params []sdk.Param) sdk.ChunkLayout {
	l := sdk.ChunkLayout{ChunkSize: 1 + r.IntN(64), Groups: []string{"x", "y"}}
	var runs []sdk.Segment
	for i, p := range params {
		for off := 0; off < p.Size(); {
			n := min(1+r.IntN(l.ChunkSize), p.Size()-off)
			runs = append(runs, sdk.Segment{Param: i, Offset: off, Len: n})
			off += n
		}
	}
	r.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
	var ch *sdk.Chunk
	at := 0
	for _, s := range runs {
		at += r.IntN(3) // a gap of padding, sometimes
		if ch == nil || at+s.Len > l.ChunkSize {
			l.Chunks = append(l.Chunks, sdk.Chunk{Group: r.IntN(2)})
			ch, at = &l.Chunks[len(l.Chunks)-1], r.IntN(l.ChunkSize-s.Len+1)
		}
		s.At = at
		ch.Segments = append(ch.Segments, s)
		at += s.Len
	}
	return l
}

func TestRandomLayoutsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		params := make([]sdk.Param, 1+r.IntN(6))
		values := make([][]float32, len(params))
		for i := range params {
			params[i] = sdk.Param{Name: fmt.Sprint("p", i), Shape: []int{1 + r.IntN(40), 1 + r.IntN(5)}}
			values[i] = make([]float32, params[i].Size())
			for j := range values[i] {
				values[i][j] = r.Float32() + 1 // never 0, so a lost weight shows
			}
		}
		l := randomLayout(r, params)
		if err := l.Validate(params); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		flat := make([]float32, l.Len())
		l.Flatten(flat, values)
		nonzero := 0
		for _, v := range flat {
			if v != 0 {
				nonzero++
			}
		}
		total := 0
		for _, p := range params {
			total += p.Size()
		}
		if nonzero != total {
			t.Fatalf("trial %d: %d weights in the chunks, want %d", trial, nonzero, total)
		}
		back := make([][]float32, len(params))
		for i := range back {
			back[i] = make([]float32, params[i].Size())
		}
		l.Unflatten(back, flat)
		for i := range back {
			if !slices.Equal(back[i], values[i]) {
				t.Fatalf("trial %d: param %d did not round-trip", trial, i)
			}
		}
	}
}

func TestFlattenPanicsOnWrongLength(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "want 3 chunks × 4 = 12") {
			t.Errorf("recovered %v", r)
		}
	}()
	twoLayout.Flatten(make([]float32, 11), [][]float32{make([]float32, 6), make([]float32, 4)})
}

func TestUnflattenPanicsOnWrongLength(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("no panic")
		}
	}()
	twoLayout.Unflatten([][]float32{make([]float32, 6), make([]float32, 4)}, make([]float32, 13))
}

func ExampleChunkLayout_Flatten() {
	params := []sdk.Param{{Name: "down.A", Shape: []int{3}, Group: "down"}, {Name: "down.B", Shape: []int{2}, Group: "down"}}
	l := sdk.ChunkLayout{ChunkSize: 4, Groups: []string{"down"}, Chunks: []sdk.Chunk{
		{Group: 0, Segments: []sdk.Segment{{Param: 0, Offset: 0, At: 0, Len: 3}, {Param: 1, Offset: 0, At: 3, Len: 1}}},
		{Group: 0, Segments: []sdk.Segment{{Param: 1, Offset: 1, At: 0, Len: 1}}},
	}}
	if err := l.Validate(params); err != nil {
		panic(err)
	}
	flat := make([]float32, l.Len())
	l.Flatten(flat, [][]float32{{1, 2, 3}, {4, 5}})
	fmt.Println(flat)

	back := [][]float32{make([]float32, 3), make([]float32, 2)}
	l.Unflatten(back, flat)
	fmt.Println(back)
	// Output:
	// [1 2 3 4 5 0 0 0]
	// [[1 2 3] [4 5]]
}
