package norm

import (
	"testing"

	"dnw/sdk/ir"
)

func TestGroups(t *testing.T) {
	for c, want := range map[int]int{4: 1, 7: 1, 8: 2, 12: 3, 32: 8, 48: 12, 64: 16, 128: 32, 512: 32, 96: 24, 36: 9} {
		if got := Groups(c); got != want {
			t.Errorf("Groups(%d) = %d, want %d", c, got, want)
		}
	}
}

func TestApply(t *testing.T) {
	want := map[string]struct {
		op     ir.Op
		groups int
	}{
		"group": {ir.OpGroupNorm, 16}, "instance": {ir.OpInstanceNorm, 0},
		"batch": {ir.OpBatchNorm, 0}, "layer": {ir.OpGroupNorm, 1},
	}
	for _, kind := range Kinds {
		b := ir.NewBuilder("g")
		x := b.Input("x", 64, 4, 4)
		y := Apply(b, kind, "n", x, "ds")
		g, err := b.Graph(y)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		n := g.Nodes[0]
		if n.Op != want[kind].op || n.Attrs.Groups != want[kind].groups || !n.HasTag(Tag) || !n.HasTag("ds") {
			t.Errorf("%s: node %+v", kind, n)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("an unknown kind did not panic")
		}
	}()
	b := ir.NewBuilder("g")
	Apply(b, "weight", "n", b.Input("x", 8, 4, 4))
}
