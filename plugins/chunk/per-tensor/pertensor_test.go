package pertensor_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dnw/plugins/chunk/internal/chunktest"
	pertensor "dnw/plugins/chunk/per-tensor"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := pertensor.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(pertensor.New()); err != nil {
		t.Fatal(err)
	}
}

// One layer's down (200) and up (100) tensors at b = 256: a chunk each, padded 56 and
// 156, where chunk.per-layer would fill the first chunk and pad the second by 212.
func TestOneLayerTwoTensors(t *testing.T) {
	c := sdktest.Connect(t, pertensor.New()).(sdk.Chunker)
	params := []sdk.Param{{Name: "ds1.lora_a", Shape: []int{4, 50}, Group: "ds1"}, {Shape: []int{25, 4}, Group: "ds1"}}
	l, err := c.Layout(context.Background(), params, 256, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := chunktest.Padding(l); !slices.Equal(got, []int{56, 156}) {
		t.Errorf("padding %v, want [56 156]", got)
	}
	if !slices.Equal(l.Groups, []string{"ds1.lora_a", "#1"}) {
		t.Errorf("groups %v", l.Groups)
	}
}

func TestProperty(t *testing.T) {
	chunktest.Property(t, pertensor.New(), 3, 300, func(t *testing.T, params []sdk.Param, b int, l sdk.ChunkLayout) {
		if len(l.Groups) != len(params) {
			t.Fatalf("%d groups for %d params", len(l.Groups), len(params))
		}
		chunks := 0
		for i, p := range params {
			chunks += (p.Size() + b - 1) / b
			if l.Groups[i] != p.Name {
				t.Errorf("group %d named %s, want %s", i, l.Groups[i], p.Name)
			}
		}
		if len(l.Chunks) != chunks {
			t.Errorf("%d chunks, want %d", len(l.Chunks), chunks)
		}
		pad := chunktest.Padding(l)
		for n, ch := range l.Chunks {
			for _, s := range ch.Segments {
				if s.Param != ch.Group {
					t.Errorf("chunk %d of group %d holds param %d", n, ch.Group, s.Param)
				}
			}
			last := n == len(l.Chunks)-1 || l.Chunks[n+1].Group != ch.Group
			if want := 0; !last && pad[n] != want {
				t.Errorf("chunk %d: padding %d, want 0", n, pad[n])
			}
			if want := (b - params[ch.Group].Size()%b) % b; last && pad[n] != want {
				t.Errorf("chunk %d: padding %d, want %d", n, pad[n], want)
			}
		}
	})
}

func TestRejects(t *testing.T) {
	ctx := context.Background()
	if _, err := pertensor.New().Layout(ctx, []sdk.Param{{Name: "w", Shape: []int{3}}}, 0, nil); err == nil ||
		!strings.Contains(err.Error(), "chunk.per-tensor: chunk size 0") {
		t.Errorf("err = %v", err)
	}
	if _, err := pertensor.New().Layout(ctx, nil, 256, nil); err == nil || !strings.Contains(err.Error(), "chunk.per-tensor: no params") {
		t.Errorf("err = %v", err)
	}
}
