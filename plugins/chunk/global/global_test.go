package global_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dnw/plugins/chunk/global"
	"dnw/plugins/chunk/internal/chunktest"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := global.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(global.New()); err != nil {
		t.Fatal(err)
	}
}

// Layers of 300 and 100 weights at b = 256: 2 chunks, the second straddling both
// layers and padded by 512 − 400 = 112.
func TestTwoLayers(t *testing.T) {
	c := sdktest.Connect(t, global.New()).(sdk.Chunker)
	params := []sdk.Param{{Name: "a", Shape: []int{300}, Group: "l1"}, {Name: "b", Shape: []int{4, 25}, Group: "l2"}}
	l, err := c.Layout(context.Background(), params, 256, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := chunktest.Padding(l); !slices.Equal(got, []int{0, 112}) {
		t.Errorf("padding %v, want [0 112]", got)
	}
	want := []sdk.Segment{{Param: 0, Offset: 256, At: 0, Len: 44}, {Param: 1, Offset: 0, At: 44, Len: 100}}
	if !slices.Equal(l.Groups, []string{"all"}) || !slices.Equal(l.Chunks[1].Segments, want) {
		t.Errorf("groups %v, chunk 1 %v; want [all], %v", l.Groups, l.Chunks[1].Segments, want)
	}
}

func TestProperty(t *testing.T) {
	chunktest.Property(t, global.New(), 2, 300, func(t *testing.T, params []sdk.Param, b int, l sdk.ChunkLayout) {
		total := 0
		for _, p := range params {
			total += p.Size()
		}
		if len(l.Chunks) != (total+b-1)/b || !slices.Equal(l.Groups, []string{"all"}) {
			t.Errorf("%d chunks in groups %v, want %d in [all]", len(l.Chunks), l.Groups, (total+b-1)/b)
		}
		pad := chunktest.Padding(l)
		for n := range pad[:len(pad)-1] {
			if pad[n] != 0 {
				t.Errorf("chunk %d of %d is padded (%d)", n, len(pad), pad[n])
			}
		}
		if got, want := pad[len(pad)-1], len(l.Chunks)*b-total; got != want {
			t.Errorf("final padding %d, want %d", got, want)
		}
	})
}

func TestRejects(t *testing.T) {
	ctx := context.Background()
	ok := []sdk.Param{{Name: "w", Shape: []int{3}}}
	if _, err := global.New().Layout(ctx, ok, 0, nil); err == nil || !strings.Contains(err.Error(), "chunk.global: chunk size 0") {
		t.Errorf("err = %v", err)
	}
	if _, err := global.New().Layout(ctx, nil, 256, nil); err == nil || !strings.Contains(err.Error(), "chunk.global: no params") {
		t.Errorf("err = %v", err)
	}
	// Groups do not matter here: a param without one is fine.
	if _, err := global.New().Layout(ctx, ok, 2, nil); err != nil {
		t.Error(err)
	}
}
