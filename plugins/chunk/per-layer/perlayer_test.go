package perlayer_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"dnw/plugins/chunk/internal/chunktest"
	perlayer "dnw/plugins/chunk/per-layer"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := perlayer.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(perlayer.New()); err != nil {
		t.Fatal(err)
	}
}

// TestPaperExample: two layers of 300 and 100 weights at b = 256 give three chunks,
// the first full, the second the 44 remaining weights of layer 1 and 212 padding, the
// third layer 2's 100 weights and 156 padding. Run over gRPC, as the host calls it.
func TestPaperExample(t *testing.T) {
	c := sdktest.Connect(t, perlayer.New()).(sdk.Chunker)
	params := []sdk.Param{
		{Name: "down.lora_a", Shape: []int{4, 50}, Group: "down"}, // 200
		{Name: "down.lora_b", Shape: []int{25, 4}, Group: "down"}, // 100
		{Name: "up.lora_a", Shape: []int{4, 20}, Group: "up"},     // 80
		{Name: "up.norm.scale", Shape: []int{20}, Group: "up"},    // 20
	}
	l, err := c.Layout(context.Background(), params, 256, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := chunktest.Padding(l); !slices.Equal(got, []int{0, 212, 156}) {
		t.Errorf("padding %v, want [0 212 156]", got)
	}
	if !slices.Equal(l.Groups, []string{"down", "up"}) || l.Chunks[1].Group != 0 || l.Chunks[2].Group != 1 {
		t.Errorf("groups %v, chunk groups %d %d %d", l.Groups, l.Chunks[0].Group, l.Chunks[1].Group, l.Chunks[2].Group)
	}
	// down.lora_b runs across the chunk boundary: 56 weights in chunk 0, 44 in chunk 1.
	want := []sdk.Segment{{Param: 0, Offset: 0, At: 0, Len: 200}, {Param: 1, Offset: 0, At: 200, Len: 56}}
	if !slices.Equal(l.Chunks[0].Segments, want) {
		t.Errorf("chunk 0 %v, want %v", l.Chunks[0].Segments, want)
	}
	if want := []sdk.Segment{{Param: 1, Offset: 56, At: 0, Len: 44}}; !slices.Equal(l.Chunks[1].Segments, want) {
		t.Errorf("chunk 1 %v, want %v", l.Chunks[1].Segments, want)
	}
}

// A group's params need not be adjacent: they are gathered at the group's first
// appearance, in their order.
func TestInterleavedGroupsAreGathered(t *testing.T) {
	params := []sdk.Param{
		{Name: "a1", Shape: []int{3}, Group: "a"},
		{Name: "b1", Shape: []int{3}, Group: "b"},
		{Name: "a2", Shape: []int{3}, Group: "a"},
	}
	l, err := perlayer.New().Layout(context.Background(), params, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := sdk.ChunkLayout{ChunkSize: 8, Groups: []string{"a", "b"}, Chunks: []sdk.Chunk{
		{Group: 0, Segments: []sdk.Segment{{Param: 0, At: 0, Len: 3}, {Param: 2, At: 3, Len: 3}}},
		{Group: 1, Segments: []sdk.Segment{{Param: 1, At: 0, Len: 3}}},
	}}
	if fmt.Sprint(l) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", l, want)
	}
}

func TestProperty(t *testing.T) {
	chunktest.Property(t, perlayer.New(), 1, 300, func(t *testing.T, params []sdk.Param, b int, l sdk.ChunkLayout) {
		size := map[string]int{} // weights per group
		var order []string
		for _, p := range params {
			if _, ok := size[p.Group]; !ok {
				order = append(order, p.Group)
			}
			size[p.Group] += p.Size()
		}
		if !slices.Equal(l.Groups, order) {
			t.Errorf("groups %v, want %v", l.Groups, order)
		}
		chunks := 0
		for _, g := range order {
			chunks += (size[g] + b - 1) / b
		}
		if len(l.Chunks) != chunks {
			t.Errorf("%d chunks, want %d", len(l.Chunks), chunks)
		}
		pad := chunktest.Padding(l)
		for n, ch := range l.Chunks {
			for _, s := range ch.Segments {
				if params[s.Param].Group != l.Groups[ch.Group] {
					t.Errorf("chunk %d of group %s holds %s of group %s", n, l.Groups[ch.Group], params[s.Param].Name, params[s.Param].Group)
				}
			}
			last := n == len(l.Chunks)-1 || l.Chunks[n+1].Group != ch.Group
			if !last && pad[n] != 0 {
				t.Errorf("chunk %d is padded (%d) but is not its group's last", n, pad[n])
			}
			if last && pad[n] != (b-size[l.Groups[ch.Group]]%b)%b {
				t.Errorf("chunk %d: padding %d, want %d", n, pad[n], (b-size[l.Groups[ch.Group]]%b)%b)
			}
		}
	})
}

func TestRejects(t *testing.T) {
	ok := []sdk.Param{{Name: "w", Shape: []int{3}, Group: "g"}}
	ctx := context.Background()
	for _, tc := range []struct {
		params []sdk.Param
		b      int
		want   string
	}{
		{ok, 0, "chunk.per-layer: chunk size 0, want ≥ 1"},
		{ok, -3, "chunk.per-layer: chunk size -3"},
		{nil, 256, "chunk.per-layer: no params"},
		{[]sdk.Param{{Name: "w", Shape: []int{3}}}, 256, "chunk.per-layer: param 0 (w) has no group"},
		{[]sdk.Param{{Name: "w", Shape: []int{0, 3}, Group: "g"}}, 256, "chunk.per-layer: param 0 (w) has shape [0 3]"},
	} {
		if _, err := perlayer.New().Layout(ctx, tc.params, tc.b, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	if _, err := perlayer.New().Layout(ctx, ok, 4, sdk.Options{"b": int64(2)}); err == nil {
		t.Error("an unknown option was accepted")
	}
}

func ExamplePerLayer_Layout() {
	params := []sdk.Param{
		{Name: "ds1.lora_a", Shape: []int{4, 60}, Group: "ds1"},
		{Name: "ds1.lora_b", Shape: []int{15, 4}, Group: "ds1"},
		{Name: "us1.lora_a", Shape: []int{4, 25}, Group: "us1"},
	}
	l, err := perlayer.New().Layout(context.Background(), params, 256, nil)
	if err != nil {
		panic(err)
	}
	for n, ch := range l.Chunks {
		pad := l.ChunkSize
		for _, s := range ch.Segments {
			pad -= s.Len
		}
		fmt.Printf("chunk %d (%s): segments %v, padding %d\n", n, l.Groups[ch.Group], ch.Segments, pad)
	}
	// Output:
	// chunk 0 (ds1): segments [{0 0 0 240} {1 0 240 16}], padding 0
	// chunk 1 (ds1): segments [{1 16 0 44}], padding 212
	// chunk 2 (us1): segments [{2 0 0 100}], padding 156
}
