package lora

import (
	"context"
	"testing"

	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/sdk/ir"
)

// Each placed layer is listed once, in placement order, with its share of the LoRA
// vector; the shares add up to the vector's length.
func TestLayersOfThePaperPlacement(t *testing.T) {
	g := e2ganGenerator(t)
	p, err := e2ganpaper.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := Layers(g, p)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := Params(g, p)
	total := 0
	for i, l := range layers {
		if l.Node != p.Layers[i].Node || l.Rank != p.Layers[i].Rank || l.Alpha != p.Layers[i].Alpha {
			t.Errorf("layer %d = %+v, placed %+v", i, l, p.Layers[i])
		}
		n, _ := g.Node(l.Node)
		w, _ := g.Param(n.Params[0])
		want := 0
		switch l.Op {
		case ir.OpConv2d: // A (r, C, k, k), B (F, r, 1, 1)
			want = l.Rank*w.Shape[1]*w.Shape[2]*w.Shape[3] + w.Shape[0]*l.Rank
		case ir.OpLinear: // A (r, D), B (F, r)
			want = l.Rank*w.Shape[1] + w.Shape[0]*l.Rank
		default:
			t.Errorf("layer %s on a %s", l.Node, l.Op)
		}
		want += 2 * w.Shape[0] * len(normsReading(g, l.Node)) // norms train along: scale and shift of F
		if l.Weights != want {
			t.Errorf("layer %s (%s): %d weights, want %d", l.Node, l.Op, l.Weights, want)
		}
		total += l.Weights
	}
	if total != Size(params) || len(layers) != len(p.Layers) {
		t.Errorf("%d layers of %d weights in all; the placement has %d layers, the vector %d weights",
			len(layers), total, len(p.Layers), Size(params))
	}
	p.Layers = append(p.Layers, p.Layers[0])
	if _, err := Layers(g, p); err == nil {
		t.Error("Layers accepted a node placed twice")
	}
}
