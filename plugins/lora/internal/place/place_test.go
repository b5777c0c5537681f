package place

import (
	"strings"
	"testing"

	"dnw/sdk"
	"dnw/sdk/ir"
)

func TestSelect(t *testing.T) {
	b := ir.NewBuilder("g")
	x := b.Input("x", 3, 8, 8)
	h := b.Conv2d("c", x, 4, 3, 1, 1, ir.Tags("ds"))
	h = b.GroupNorm("n", h, 1, ir.Tags("ds", "norm"))
	g, err := b.Graph(h)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := Resolve("lora.test", Options(true), sdk.Options{"rank": int64(2)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Select("lora.test", g, opts, "ds node", func(n ir.Node) bool { return n.HasTag("ds") })
	if err != nil {
		t.Fatal(err)
	}
	// The norm is tagged ds too, but only conv2d and linear nodes are adaptable.
	if len(p.Layers) != 1 || p.Layers[0] != (sdk.LoRALayer{Node: "c", Rank: 2, Alpha: DefaultAlpha}) || !p.TrainNorms {
		t.Errorf("placement %+v", p)
	}
	_, err = Select("lora.test", g, opts, "us node", func(n ir.Node) bool { return n.HasTag("us") })
	if err == nil || err.Error() != "lora.test: graph g: selects no node: the graph has no us node" {
		t.Errorf("err = %v", err)
	}
	if _, err := Resolve("lora.test", Options(false), sdk.Options{"rank": int64(0), "alpah": 1.0}); err == nil ||
		!strings.Contains(err.Error(), "lora.test: option rank") || !strings.Contains(err.Error(), "did you mean alpha?") {
		t.Errorf("err = %v", err)
	}
}
