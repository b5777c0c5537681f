package ir

import (
	"slices"
	"strings"
	"testing"
)

func TestShapeRules(t *testing.T) {
	type S = [][]int
	img := []int{4, 8, 8}
	tok := []int{16, 12}
	cases := []struct {
		op     Op
		in, p  S
		a      Attrs
		want   []int
		errHas string // non-empty: InferShape fails with this text
	}{
		{OpConv2d, S{img}, S{{6, 4, 3, 3}, {6}}, Attrs{Kernel: 3, Stride: 1, Padding: 1}, []int{6, 8, 8}, ""},
		{OpConv2d, S{img}, S{{6, 4, 3, 3}}, Attrs{Kernel: 3, Stride: 2, Padding: 1}, []int{6, 4, 4}, ""},
		{OpConv2d, S{{3, 7, 9}}, S{{2, 3, 4, 4}}, Attrs{Kernel: 4, Stride: 2, Padding: 1}, []int{2, 3, 4}, ""},
		{OpConv2d, S{{3, 5, 5}}, S{{2, 3, 4, 4}}, Attrs{Kernel: 4, Stride: 1, Padding: 0}, []int{2, 2, 2}, ""},
		{OpConv2d, S{img}, S{{6, 3, 3, 3}}, Attrs{Kernel: 3, Stride: 1}, nil, "weight has shape [6 3 3 3], want [6 4 3 3]"},
		{OpConv2d, S{img}, S{{6, 4, 3, 3}, {5}}, Attrs{Kernel: 3, Stride: 1}, nil, "bias has shape [5], want [6]"},
		{OpConv2d, S{img}, S{{6, 4, 3, 3}}, Attrs{Kernel: 3}, nil, "Stride ≥ 1"},
		{OpConv2d, S{{4, 2, 2}}, S{{6, 4, 5, 5}}, Attrs{Kernel: 5, Stride: 1}, nil, "larger than the padded input"},
		{OpConv2d, S{tok}, S{{6, 4, 3, 3}}, Attrs{Kernel: 3, Stride: 1}, nil, "rank 3"},
		{OpConv2d, S{img}, nil, Attrs{Kernel: 3, Stride: 1}, nil, "takes 1 to 2 params"},
		{OpLinear, S{tok}, S{{20, 12}, {20}}, Attrs{}, []int{16, 20}, ""},
		{OpLinear, S{tok}, S{{20, 12}}, Attrs{}, []int{16, 20}, ""},
		{OpLinear, S{tok}, S{{20, 11}}, Attrs{}, nil, "weight has shape [20 11], want [20 12]"},
		{OpLinear, S{img}, S{{20, 8}}, Attrs{}, nil, "rank 2"},
		{OpGroupNorm, S{img}, S{{4}, {4}}, Attrs{Groups: 2, Eps: 1e-5}, img, ""},
		{OpGroupNorm, S{img}, S{{4}, {4}}, Attrs{Groups: 3, Eps: 1e-5}, nil, "Groups 3 does not divide 4"},
		{OpGroupNorm, S{img}, S{{4}, {4}}, Attrs{Groups: 2}, nil, "Eps > 0"},
		{OpGroupNorm, S{img}, S{{4}}, Attrs{Groups: 2, Eps: 1e-5}, nil, "takes 2 params"},
		{OpInstanceNorm, S{img}, S{{4}, {4}}, Attrs{Eps: 1e-5}, img, ""},
		{OpInstanceNorm, S{img}, S{{4}, {3}}, Attrs{Eps: 1e-5}, nil, "shift has shape [3], want [4]"},
		{OpBatchNorm, S{img}, S{{4}, {4}}, Attrs{Eps: 1e-3}, img, ""},
		{OpBatchNorm, S{img}, S{{5}, {4}}, Attrs{Eps: 1e-3}, nil, "scale has shape [5], want [4]"},
		{OpLayerNorm, S{tok}, S{{12}, {12}}, Attrs{Eps: 1e-5}, tok, ""},
		{OpLayerNorm, S{tok}, S{{16}, {16}}, Attrs{Eps: 1e-5}, nil, "scale has shape [16], want [12]"},
		{OpLayerNorm, S{img}, S{{8}, {8}}, Attrs{Eps: 1e-5}, nil, "rank 2"},
		{OpReLU, S{img}, nil, Attrs{}, img, ""},
		{OpReLU, S{img, img}, nil, Attrs{}, nil, "takes 1 input, got 2"},
		{OpReLU, S{img}, S{{4}}, Attrs{}, nil, "takes 0 params"},
		{OpLeakyReLU, S{tok}, nil, Attrs{Slope: 0.2}, tok, ""},
		{OpLeakyReLU, S{tok}, nil, Attrs{Slope: -1}, nil, "Slope ≥ 0"},
		{OpGELU, S{tok}, nil, Attrs{}, tok, ""},
		{OpSiLU, S{img}, nil, Attrs{}, img, ""},
		{OpTanh, S{img}, nil, Attrs{}, img, ""},
		{OpSigmoid, S{img}, nil, Attrs{}, img, ""},
		{OpDropout, S{img}, nil, Attrs{Rate: 0.5}, img, ""},
		{OpDropout, S{img}, nil, Attrs{Rate: 1}, nil, "Rate < 1"},
		{OpUpsample, S{img}, nil, Attrs{Scale: 2}, []int{4, 16, 16}, ""},
		{OpUpsample, S{img}, nil, Attrs{}, nil, "Scale ≥ 1"},
		{OpUpsample, S{tok}, nil, Attrs{Scale: 2}, nil, "rank 3"},
		{OpAvgPool, S{img}, nil, Attrs{Scale: 4, Kernel: 4}, []int{4, 2, 2}, ""},
		{OpAvgPool, S{img}, nil, Attrs{Scale: 3, Kernel: 3}, nil, "not divisible by Scale 3"},
		{OpAvgPool, S{img}, nil, Attrs{Scale: 2, Kernel: 3}, nil, "Kernel = Scale"},
		{OpConv1d, S{{4, 1, 9}}, S{{6, 4, 1, 3}, {6}}, Attrs{Kernel: 3, Stride: 2, Padding: 1}, []int{6, 1, 5}, ""},
		{OpConv1d, S{{4, 1, 9}}, S{{6, 4, 1, 3}}, Attrs{Kernel: 3, Stride: 1, Padding: 1}, []int{6, 1, 9}, ""},
		{OpConv1d, S{img}, S{{6, 4, 1, 3}}, Attrs{Kernel: 3, Stride: 1, Padding: 1}, nil, "must have height 1"},
		{OpConv1d, S{{4, 1, 9}}, S{{6, 4, 3, 3}}, Attrs{Kernel: 3, Stride: 1, Padding: 1}, nil, "want [6 4 1 3]"},
		{OpConv1d, S{{4, 1, 2}}, S{{6, 4, 1, 5}}, Attrs{Kernel: 5, Stride: 1, Padding: 1}, nil, "longer than the padded row"},
		{OpUpsample1d, S{{4, 1, 9}}, nil, Attrs{Scale: 2}, []int{4, 1, 18}, ""},
		{OpUpsample1d, S{{4, 1, 1}}, nil, Attrs{Scale: 16}, []int{4, 1, 16}, ""},
		{OpUpsample1d, S{tok}, nil, Attrs{Scale: 2}, nil, "rank 3"},
		{OpConcat, S{img, {2, 8, 8}, {1, 8, 8}}, nil, Attrs{}, []int{7, 8, 8}, ""},
		{OpConcat, S{img, {2, 4, 8}}, nil, Attrs{}, nil, "H and W must agree"},
		{OpConcat, S{img}, nil, Attrs{}, nil, "at least 2 inputs"},
		{OpAdd, S{img, img}, nil, Attrs{}, img, ""},
		{OpAdd, S{tok, tok}, nil, Attrs{}, tok, ""},
		{OpAdd, S{img, {4, 8, 4}}, nil, Attrs{}, nil, "want equal"},
		{OpMul, S{img, img}, nil, Attrs{}, img, ""},
		{OpMul, S{tok, img}, nil, Attrs{}, nil, "want equal"},
		{OpAddParam, S{img}, S{img}, Attrs{}, img, ""},
		{OpAddParam, S{img}, S{{4, 8, 4}}, Attrs{}, nil, "want equal"},
		{OpToTokens, S{{4, 2, 3}}, nil, Attrs{}, []int{6, 4}, ""},
		{OpToTokens, S{tok}, nil, Attrs{}, nil, "rank 3"},
		{OpFromTokens, S{tok}, nil, Attrs{Height: 4, Width: 4}, []int{12, 4, 4}, ""},
		{OpFromTokens, S{tok}, nil, Attrs{Height: 4, Width: 5}, nil, "must equal the 16 tokens"},
		{OpAttention, S{tok, tok, tok}, nil, Attrs{Heads: 4}, tok, ""},
		{OpAttention, S{tok, {1, 12}, {1, 12}}, nil, Attrs{Heads: 3}, tok, ""},
		{OpAttention, S{tok, tok, tok}, nil, Attrs{Heads: 5}, nil, "Heads 5 does not divide D = 12"},
		{OpAttention, S{tok, {3, 12}, {2, 12}}, nil, Attrs{Heads: 1}, nil, "want q (N,D), k and v (M,D)"},
		{OpAttention, S{tok, tok}, nil, Attrs{Heads: 1}, nil, "takes 3 inputs, got 2"},
		{OpAttention, S{tok, tok, tok}, S{{1}}, Attrs{Heads: 1}, nil, "takes 0 params"},
		{"conv3d", S{img}, nil, Attrs{}, nil, `unknown op "conv3d"`},
		{OpReLU, S{{4, 0, 8}}, nil, Attrs{}, nil, "below 1"},
	}
	covered := map[Op]bool{}
	for _, c := range cases {
		got, err := InferShape(c.op, c.in, c.p, c.a)
		if c.errHas == "" {
			covered[c.op] = true
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("%s %v %v %+v = %v, %v; want %v", c.op, c.in, c.p, c.a, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.errHas) || !strings.HasPrefix(err.Error(), "ir: ") {
			t.Errorf("%s %v %v %+v: err = %v, want one containing %q", c.op, c.in, c.p, c.a, err, c.errHas)
		}
	}
	for _, op := range Ops() {
		if !covered[op] {
			t.Errorf("no passing shape case for %s", op)
		}
	}
}

func TestOpSetIsDocumented(t *testing.T) {
	if len(Ops()) != 24 {
		t.Fatalf("Ops() has %d ops, want the 24 constants of ir.go", len(Ops()))
	}
	for _, op := range Ops() {
		if !op.Known() || op.Doc() == "" {
			t.Errorf("%s: known %v, doc %q", op, op.Known(), op.Doc())
		}
	}
	if Op("deconv").Known() {
		t.Error("an unknown op is Known")
	}
	if roles, req := OpConv2d.ParamRoles(); !slices.Equal(roles, []string{"weight", "bias"}) || req != 1 {
		t.Errorf("conv2d roles %v required %d", roles, req)
	}
	if roles, req := OpLayerNorm.ParamRoles(); !slices.Equal(roles, []string{"scale", "shift"}) || req != 2 {
		t.Errorf("layer_norm roles %v required %d", roles, req)
	}
	if roles, req := OpAttention.ParamRoles(); len(roles) != 0 || req != 0 {
		t.Errorf("attention roles %v required %d", roles, req)
	}
}
