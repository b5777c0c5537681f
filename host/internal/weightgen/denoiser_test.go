package weightgen

import (
	"slices"
	"strings"
	"testing"

	"dnw/sdk/ir"
)

// tinySpec is a denoiser small enough for unit tests: chunks of 16, widths 8/16/16.
func tinySpec(index string) Spec {
	return Spec{ChunkSize: 16, Widths: [3]int{8, 16, 16}, Depths: [3]int{1, 1, 1}, Heads: 2,
		TextDim: 6, SinDim: 8, BlockIndex: index, Output: OutputV, Chunks: 5}
}

func TestBuildEveryBlockIndex(t *testing.T) {
	for _, index := range []string{IndexSinusoidal, IndexLearned, IndexNone} {
		g, err := Build(tinySpec(index))
		if err != nil {
			t.Fatalf("%s: %v", index, err)
		}
		inputs := map[string][]int{}
		for _, in := range g.Inputs {
			inputs[in.Name] = in.Shape
		}
		want := map[string]int{IndexSinusoidal: 8, IndexLearned: 5, IndexNone: 0}[index]
		if got := inputs[InputIndex]; (want == 0) != (got == nil) || want > 0 && got[1] != want {
			t.Errorf("%s: input n %v, want width %d", index, got, want)
		}
		if out, _ := g.Node(g.Outputs[0]); out.Op != ir.OpConv1d || !slices.Equal(out.Shape, []int{1, 1, 16}) {
			t.Errorf("%s: output %s %v, want a conv1d to (1, 1, 16)", index, out.Op, out.Shape)
		}
		if len(g.Tagged(ir.TagCross)) == 0 {
			t.Errorf("%s: no cross-attention", index)
		}
	}
}

// TestLinearRoute: the linear text route adds the one-hot chunk input and a term to
// the output, and its prompt projection starts at zero, so that the route adds
// nothing until it has learned something; with linear-only, the UNet itself has no
// text path (no emb_τ, no cross-attention).
func TestLinearRoute(t *testing.T) {
	for _, route := range []string{RouteLinear, RouteLinearOnly} {
		s := tinySpec(IndexNone)
		s.TextRoute, s.RouteRank = route, 3
		g, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(g.Inputs, func(v ir.Value) bool { return v.Name == InputIndexOneHot })
		if i < 0 || !slices.Equal(g.Inputs[i].Shape, []int{1, s.Chunks}) {
			t.Errorf("%s: inputs %v: want %s of (1, %d)", route, g.Inputs, InputIndexOneHot, s.Chunks)
		}
		if out, _ := g.Node(g.Outputs[0]); out.Op != ir.OpAdd || !slices.Equal(out.Shape, []int{1, 1, 16}) {
			t.Errorf("%s: output %s %v, want the UNet's conv1d plus the route, (1, 1, 16)", route, out.Op, out.Shape)
		}
		if p, ok := g.Param("route.text.weight"); !ok || p.Init.Kind != ir.InitZeros {
			t.Errorf("%s: route.text.weight %+v %v: want a parameter that starts at zero", route, p, ok)
		}
		_, embText := g.Node("emb.text.0")
		if cross := len(g.Tagged(ir.TagCross)) > 0; cross != (route == RouteLinear) || embText != (route == RouteLinear) {
			t.Errorf("%s: cross-attention %v, emb_τ %v: want both only with %s", route, cross, embText, RouteLinear)
		}
	}
}

func TestBuildRejectsBadSpecs(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.ChunkSize = 18 }, "multiple of 4"},
		{func(s *Spec) { s.Heads = 3 }, "3 heads do not divide the middle width 16"},
		{func(s *Spec) { s.BlockIndex = "rope" }, `block index "rope"`},
		{func(s *Spec) { s.BlockIndex, s.Chunks = IndexLearned, 0 }, "0 chunks"},
		{func(s *Spec) { s.Depths[1] = 0 }, "at least one ResBlock"},
		{func(s *Spec) { s.TextRoute = "mlp" }, `text route "mlp"`},
		{func(s *Spec) { s.TextRoute, s.RouteRank = RouteLinear, 0 }, "rank 0"},
	} {
		s := tinySpec(IndexSinusoidal)
		tc.edit(&s)
		if _, err := Build(s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", s, err, tc.want)
		}
	}
}

func TestMultiplyAddsCountsTheProducts(t *testing.T) {
	b := ir.NewBuilder("g")
	x := b.Input("x", 2, 1, 8)
	h := b.Conv1d("c", x, 3, 3, 2, 1) // (3, 1, 4): 3·4 outputs × 2·3
	tok := b.ToTokens("t", h)         // (4, 3)
	q := b.Linear("q", tok, 6)        // 4·6 outputs × 3
	a := b.Attention("a", q, q, q, 2)
	g, err := b.Graph(a)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := MultiplyAdds(g), 3*4*2*3+4*6*3+2*4*4*6; got != want {
		t.Errorf("MultiplyAdds = %d, want %d", got, want)
	}
}
