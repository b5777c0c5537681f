package lora

import (
	"context"
	"strings"
	"testing"

	"dnw/plugins/arch/e2gan"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/sdk"
	"dnw/sdk/ir"
)

func e2ganGenerator(t *testing.T) ir.Graph {
	t.Helper()
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3})
	if err != nil {
		t.Fatal(err)
	}
	return m.Generator
}

func TestParamsOfThePaperPlacement(t *testing.T) {
	g := e2ganGenerator(t)
	p, err := e2ganpaper.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	params, err := Params(g, p)
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	for i, q := range params {
		groups[q.Group]++
		if strings.HasSuffix(q.Name, ".lora_down") {
			node, _ := g.Node(q.Group)
			w, _ := g.Param(node.Params[0])
			up := params[i+1]
			// A keeps the kernel (r, C, K, K); B is (F, r, 1, 1) — or (r, D), (F, r) for linears.
			if q.Shape[0] != 4 || up.Shape[1] != 4 || up.Shape[0] != w.Shape[0] || q.Shape[1] != w.Shape[1] {
				t.Errorf("%s: A %v, B %v for W %v", q.Group, q.Shape, up.Shape, w.Shape)
			}
			if node.Op == ir.OpConv2d && (q.Shape[2] != w.Shape[2] || len(up.Shape) != 4 || up.Shape[2] != 1) {
				t.Errorf("%s: conv A %v, B %v", q.Group, q.Shape, up.Shape)
			}
		}
	}
	if len(groups) != len(p.Layers) {
		t.Errorf("%d groups for %d placed layers", len(groups), len(p.Layers))
	}
	// e2gan-paper trains norms: a conv followed by a norm has 4 tensors in its group.
	withNorm := 0
	for _, n := range groups {
		if n == 4 {
			withNorm++
		}
	}
	if !p.TrainNorms || withNorm == 0 {
		t.Errorf("train_norms %v, %d groups with a norm", p.TrainNorms, withNorm)
	}
	t.Logf("%d layers, %d tensors, %d weights", len(groups), len(params), Size(params))
}

func TestParamsRejectsBadPlacements(t *testing.T) {
	g := e2ganGenerator(t)
	for _, tt := range []struct {
		p    sdk.Placement
		want string
	}{
		{sdk.Placement{Layers: []sdk.LoRALayer{{Node: "nope", Rank: 4}}}, "has no node nope"},
		{sdk.Placement{Layers: []sdk.LoRALayer{{Node: g.Outputs[0], Rank: 4}}}, "LoRA adapts conv2d and linear nodes"},
		{sdk.Placement{Layers: []sdk.LoRALayer{{Node: g.Tagged(ir.TagDownsample)[0].Name, Rank: 0}}}, "rank 0"},
	} {
		if _, err := Params(g, tt.p); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.p, err, tt.want)
		}
	}
}
