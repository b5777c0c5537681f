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
