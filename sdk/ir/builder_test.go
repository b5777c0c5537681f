package ir

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestBuilderNamesParamsAndInits(t *testing.T) {
	g := smallGraph(t)
	var names []string
	for _, p := range g.Params {
		names = append(names, p.Name)
	}
	want := []string{"c1.weight", "c1.bias", "n1.scale", "n1.shift", "q.weight", "q.bias", "k.weight", "k.bias", "v.weight", "v.bias"}
	if !slices.Equal(names, want) {
		t.Errorf("params %v, want %v", names, want)
	}
	w, _ := g.Param("c1.weight")
	if w.Init.Kind != InitKaimingUniform || math.Abs(w.Init.Gain-1/math.Sqrt(3)) > 1e-15 {
		t.Errorf("conv weight init %+v, want PyTorch's kaiming_uniform(a=√5)", w.Init)
	}
	// bound = Gain·√(3/fan_in) must be PyTorch's 1/√fan_in.
	fanIn := 3.0 * 3 * 3
	if b := w.Init.Gain * math.Sqrt(3/fanIn); math.Abs(b-1/math.Sqrt(fanIn)) > 1e-15 {
		t.Errorf("bound %v, want %v", b, 1/math.Sqrt(fanIn))
	}
	for name, kind := range map[string]InitKind{"c1.bias": InitZeros, "n1.scale": InitOnes, "n1.shift": InitZeros} {
		if p, _ := g.Param(name); p.Init.Kind != kind {
			t.Errorf("%s init %+v, want %s", name, p.Init, kind)
		}
	}
	n, _ := g.Node("n1")
	if n.Attrs.Eps != DefaultEps || n.Attrs.Groups != 2 || !slices.Equal(n.Tags, []string{"norm"}) {
		t.Errorf("n1 = %+v", n)
	}
	if a, _ := g.Node("a1"); a.Params != nil || a.Tags != nil {
		t.Errorf("relu has params %v tags %v, want nil", a.Params, a.Tags)
	}
	if !slices.Equal(g.Outputs, []string{"sum"}) {
		t.Errorf("outputs %v", g.Outputs)
	}
}

func TestBuilderOptions(t *testing.T) {
	b := NewBuilder("g")
	x := b.Input("x", 3, 8, 8)
	normal := Init{Kind: InitNormal, Std: 0.02}
	h := b.Conv2d("c", x, 4, 4, 2, 1, WeightInit(normal), NoBias())
	h = b.BatchNorm("bn", h, Eps(1e-3), WeightInit(Init{Kind: InitZeros}), BiasInit(Init{Kind: InitOnes}))
	g, err := b.Graph(h)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := g.Node("c")
	if !slices.Equal(c.Params, []string{"c.weight"}) || !slices.Equal(c.Shape, []int{4, 4, 4}) {
		t.Errorf("conv %+v", c)
	}
	if p, _ := g.Param("c.weight"); p.Init != normal {
		t.Errorf("weight init %+v", p.Init)
	}
	bn, _ := g.Node("bn")
	sc, _ := g.Param("bn.scale")
	sh, _ := g.Param("bn.shift")
	if bn.Attrs.Eps != 1e-3 || sc.Init.Kind != InitZeros || sh.Init.Kind != InitOnes {
		t.Errorf("bn %+v scale %+v shift %+v", bn, sc.Init, sh.Init)
	}
}

func TestBuilderReportsEachMistakeOnceNamingTheNode(t *testing.T) {
	b := NewBuilder("gen")
	x := b.Input("x", 3, 8, 8)
	h := b.Conv2d("c1", x, 8, 3, 1, 1)
	bad := b.GroupNorm("n1", h, 3) // 3 does not divide 8
	bad = b.ReLU("a1", bad)        // depends on the failure: not reported again
	tok := b.ToTokens("tok", h)
	b.Linear("lin", h, 4)                // an image into linear
	b.Conv2d("c1", x, 8, 3, 1, 1)        // duplicate name
	b.ReLU("r", Value{Name: "ghost"})    // not a value of this builder
	b.Tanh("t", tok, NoBias())           // option that does not apply
	b.Attention("att", tok, tok, tok, 3) // 3 does not divide 8
	_, err := b.Graph(bad)
	if err == nil {
		t.Fatal("Graph accepted a broken graph")
	}
	msg := err.Error()
	for _, want := range []string{
		"ir: graph gen: node n1: group_norm: attr Groups 3 does not divide 8 channels",
		"ir: graph gen: node lin: linear: input (N,D) must have rank 2",
		`ir: graph gen: node "c1": needs a new name`,
		`ir: graph gen: node r: input "ghost" is not a value of this builder`,
		"ir: graph gen: node t: tanh has no parameters",
		"ir: graph gen: node att: attention: attr Heads 3 does not divide D = 8",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "a1") {
		t.Errorf("the node after a failure is reported too:\n%s", msg)
	}
	if n := strings.Count(msg, "\n") + 1; n != 6 {
		t.Errorf("%d errors, want 6:\n%s", n, msg)
	}
}

func TestBuilderGraphRunsValidate(t *testing.T) {
	b := NewBuilder("g")
	b.Input("x", 3, 8, 8)
	if _, err := b.Graph(); err == nil || !strings.Contains(err.Error(), "no outputs") {
		t.Errorf("err = %v", err)
	}
}

func TestGraphRoundTripsThroughJSON(t *testing.T) {
	b := NewBuilder("g")
	x := b.Input("x", 3, 16, 16)
	ctx := b.Input("context", 1, 6)
	h := b.Conv2d("c", x, 8, 4, 2, 1, Tags("downsample"), WeightInit(Init{Kind: InitNormal, Std: 0.02}))
	h = b.InstanceNorm("in", h, Tags("norm"))
	h = b.LeakyReLU("lr", h, 0.2)
	h = b.Dropout("do", h, 0.5)
	skip := b.AvgPool("pool", h, 2)
	h = b.Upsample("up", skip, 2)
	h = b.Concat("cat", []Value{h, h})
	tok := b.ToTokens("tok", h)
	tok = b.LayerNorm("ln", tok)
	q := b.Linear("q", tok, 16, NoBias())
	k := b.Linear("k", ctx, 16, WeightInit(Init{Kind: InitXavierUniform, Gain: 1}))
	v := b.Linear("v", ctx, 16)
	a := b.Attention("attn", q, k, v, 4)
	a = b.GELU("gelu", a)
	img := b.FromTokens("img", a, 8, 8)
	img = b.Sigmoid("sig", b.SiLU("silu", img))
	g, err := b.Graph(img, skip)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var back Graph
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, g) {
		t.Errorf("graph changed through JSON:\n got %+v\nwant %+v", back, g)
	}
	m := Model{Version: Version, Generator: g, Discriminator: smallGraph(t)}
	data, _ = json.Marshal(m)
	var mback Model
	if err := json.Unmarshal(data, &mback); err != nil || !reflect.DeepEqual(mback, m) {
		t.Errorf("model changed through JSON: %v", err)
	}
}

func ExampleBuilder() {
	b := NewBuilder("generator")
	x := b.Input("source", 3, 64, 64)
	h := b.Conv2d("down1", x, 32, 3, 2, 1, Tags("downsample"))
	h = b.GroupNorm("down1.norm", h, 8, Tags("downsample", "norm"))
	h = b.SiLU("down1.act", h, Tags("downsample"))
	h = b.Upsample("up1.resize", h, 2, Tags("upsample"))
	h = b.Conv2d("up1", h, 3, 3, 1, 1, Tags("upsample"))
	h = b.Tanh("out", h)
	g, err := b.Graph(h)
	if err != nil {
		panic(err)
	}
	for _, n := range g.Nodes {
		fmt.Println(n.Name, n.Op, n.Shape, n.Params)
	}
	fmt.Println(g.NumParams(), "parameters")
	// Output:
	// down1 conv2d [32 32 32] [down1.weight down1.bias]
	// down1.norm group_norm [32 32 32] [down1.norm.scale down1.norm.shift]
	// down1.act silu [32 32 32] []
	// up1.resize upsample [32 64 64] []
	// up1 conv2d [3 64 64] [up1.weight up1.bias]
	// out tanh [3 64 64] []
	// 1827 parameters
}
