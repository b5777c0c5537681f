package ir

import (
	"fmt"
	"strings"
	"testing"
)

// smallGraph is a valid graph that uses most kinds of node: conv, norm, tokens,
// attention with its projections, residual add.
func smallGraph(t *testing.T) Graph {
	t.Helper()
	b := NewBuilder("g")
	x := b.Input("x", 3, 8, 8)
	h := b.Conv2d("c1", x, 8, 3, 2, 1, Tags("downsample"))
	h = b.GroupNorm("n1", h, 2, Tags("norm"))
	h = b.ReLU("a1", h)
	tok := b.ToTokens("tok", h)
	q := b.Linear("q", tok, 8, Tags("transformer", "attn.q"))
	k := b.Linear("k", tok, 8, Tags("transformer", "attn.k"))
	v := b.Linear("v", tok, 8, Tags("transformer", "attn.v"))
	at := b.Attention("attn", q, k, v, 2)
	img := b.FromTokens("img", at, 4, 4)
	out := b.Add("sum", img, h)
	g, err := b.Graph(out)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestValidateAcceptsABuiltGraph(t *testing.T) {
	g := smallGraph(t)
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Model{Version: Version, Generator: g, Discriminator: g}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateCatchesMistakes(t *testing.T) {
	node := func(g *Graph, name string) *Node {
		for i := range g.Nodes {
			if g.Nodes[i].Name == name {
				return &g.Nodes[i]
			}
		}
		t.Fatalf("no node %s", name)
		return nil
	}
	param := func(g *Graph, name string) *Param {
		for i := range g.Params {
			if g.Params[i].Name == name {
				return &g.Params[i]
			}
		}
		t.Fatalf("no param %s", name)
		return nil
	}
	cases := []struct {
		name   string
		mutate func(g *Graph)
		names  string // the node, input, param or output the message must name
		has    string
	}{
		{"duplicate node", func(g *Graph) { node(g, "a1").Name = "n1" }, "node n1", "already used"},
		{"node named like an input", func(g *Graph) { node(g, "c1").Name = "x" }, "node x", "already used"},
		{"duplicate input", func(g *Graph) { g.Inputs = append(g.Inputs, g.Inputs[0]) }, "input x", "declared twice"},
		{"duplicate param", func(g *Graph) { g.Params = append(g.Params, g.Params[0]) }, "param c1.weight", "declared twice"},
		{"unknown op", func(g *Graph) { node(g, "a1").Op = "swish" }, "node a1", `unknown op "swish"`},
		{"missing input", func(g *Graph) { node(g, "a1").Inputs = []string{"nope"} }, "node a1", "input nope: no input or node"},
		{"not topological", func(g *Graph) { node(g, "n1").Inputs = []string{"a1"} }, "node n1", "topological order"},
		{"reads itself", func(g *Graph) { node(g, "a1").Inputs = []string{"a1"} }, "node a1", "topological order"},
		{"input count", func(g *Graph) { node(g, "sum").Inputs = []string{"img"} }, "node sum", "takes 2 inputs, got 1"},
		{"missing param", func(g *Graph) { node(g, "c1").Params[0] = "c1.w" }, "node c1", "param c1.w is not declared"},
		{"param shape", func(g *Graph) { g.Params[0].Shape = []int{8, 3, 5, 5} }, "node c1", "weight has shape [8 3 5 5]"},
		{"param with bad dims", func(g *Graph) { g.Params[0].Shape = []int{8, 0, 3, 3} }, "param c1.weight", "below 1"},
		{"unused param", func(g *Graph) { node(g, "c1").Params = node(g, "c1").Params[:1] }, "param c1.bias", "used by no node"},
		{"attr breaks rule", func(g *Graph) { node(g, "attn").Attrs.Heads = 3 }, "node attn", "Heads 3 does not divide"},
		{"declared shape", func(g *Graph) { node(g, "a1").Shape = []int{8, 4, 5} }, "node a1", "declared shape [8 4 5], but relu gives [8 4 4]"},
		// A weight of the wrong size is measured against the node's declared output
		// features, not taken as the measure of its own bias.
		{"conv weight features", func(g *Graph) { g.Params[0].Shape = []int{16, 3, 3, 3} }, "node c1",
			"conv2d: weight has shape [16 3 3 3], want [8 3 3 3]: F = 8, the output features of the node's declared shape [8 4 4]"},
		{"linear weight features", func(g *Graph) { param(g, "q.weight").Shape = []int{4, 8} }, "node q",
			"linear: weight has shape [4 8], want [8 8]: F = 8, the output features of the node's declared shape [16 8]"},
		{"conv bias features", func(g *Graph) { param(g, "c1.bias").Shape = []int{16} }, "node c1",
			"conv2d: bias has shape [16], want [8]: F = 8"},
		{"no declared shape", func(g *Graph) { node(g, "a1").Shape = nil }, "node a1", "declared shape []"},
		{"upper-case tag", func(g *Graph) { node(g, "c1").Tags = []string{"DownSample"} }, "node c1", `tag "DownSample" is not lowercase`},
		{"tag with space", func(g *Graph) { node(g, "c1").Tags = []string{"down sample"} }, "node c1", "is not lowercase"},
		{"repeated tag", func(g *Graph) { node(g, "c1").Tags = []string{"ds", "ds"} }, "node c1", "tag ds given twice"},
		{"missing output", func(g *Graph) { g.Outputs = []string{"out"} }, "output out", "no input or node"},
		{"repeated output", func(g *Graph) { g.Outputs = []string{"sum", "sum"} }, "output sum", "listed twice"},
		{"no outputs", func(g *Graph) { g.Outputs = nil }, "graph g", "no outputs"},
		{"unknown init", func(g *Graph) { g.Params[0].Init = Init{Kind: "orthogonal"} }, "param c1.weight", `unknown init kind "orthogonal"`},
		{"normal without std", func(g *Graph) { g.Params[0].Init = Init{Kind: InitNormal} }, "param c1.weight", "Std > 0"},
		{"negative gain", func(g *Graph) { g.Params[0].Init = Init{Kind: InitXavierUniform, Gain: -1} }, "param c1.weight", "Gain ≥ 0"},
		{"input rank", func(g *Graph) { g.Inputs[0].Shape = []int{3, 8, 8, 1} }, "input x", "neither (C,H,W) nor (N,D)"},
		{"empty node name", func(g *Graph) { node(g, "a1").Name = "" }, `node 2 ""`, "empty name"},
		{"node name with space", func(g *Graph) { node(g, "a1").Name = "a 1" }, `"a 1"`, "contains a space"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := smallGraph(t)
			c.mutate(&g)
			err := g.Validate()
			if err == nil {
				t.Fatal("Validate accepted the graph")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "ir: graph g: ") || !strings.Contains(msg, c.names) || !strings.Contains(msg, c.has) {
				t.Errorf("err = %q; want it to name graph g and %q and say %q", msg, c.names, c.has)
			}
		})
	}
}

func TestValidateGraphName(t *testing.T) {
	g := smallGraph(t)
	g.Name = ""
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), "needs a name") {
		t.Errorf("err = %v", err)
	}
}

func TestModelValidate(t *testing.T) {
	g := smallGraph(t)
	bad := smallGraph(t)
	bad.Name = "discriminator"
	bad.Nodes[0].Shape = []int{1}
	cases := []struct {
		m   Model
		has string
	}{
		{Model{Version: 0, Generator: g, Discriminator: g}, "IR version 0"},
		{Model{Version: Version + 1, Generator: g, Discriminator: g}, fmt.Sprintf("IR version %d, this build reads versions 1 to %d", Version+1, Version)},
		{Model{Version: Version, Generator: g, Discriminator: bad}, "graph discriminator: node c1"},
		{Model{Version: Version, Generator: g}, `graph ""`},
	}
	for _, c := range cases {
		if err := c.m.Validate(); err == nil || !strings.Contains(err.Error(), c.has) {
			t.Errorf("err = %v, want %q", err, c.has)
		}
	}
}

func TestQueries(t *testing.T) {
	g := smallGraph(t)
	if n, ok := g.Node("attn"); !ok || n.Op != OpAttention || n.Attrs.Heads != 2 {
		t.Errorf("Node(attn) = %+v, %v", n, ok)
	}
	if _, ok := g.Node("nope"); ok {
		t.Error("Node(nope) found")
	}
	if p, ok := g.Param("q.weight"); !ok || p.Size() != 64 {
		t.Errorf("Param(q.weight) = %+v, %v", p, ok)
	}
	if _, ok := g.Param("q"); ok {
		t.Error("Param(q) found a node")
	}
	// c1 8·3·3·3+8, n1 8+8, q/k/v 3·(8·8+8).
	if got, want := g.NumParams(), 216+8+16+3*72; got != want {
		t.Errorf("NumParams = %d, want %d", got, want)
	}
	var names []string
	for _, n := range g.Tagged("transformer") {
		names = append(names, n.Name)
	}
	if strings.Join(names, ",") != "q,k,v" {
		t.Errorf("Tagged(transformer) = %v", names)
	}
}
