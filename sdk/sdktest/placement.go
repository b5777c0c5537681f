package sdktest

import (
	"math"

	"dnw/sdk"
	"dnw/sdk/ir"
)

// placement checks Place on a generator with the well-known tags, which any
// placement must find something in, and on one with nothing to adapt, which must be
// an error rather than an empty placement that would train nothing.
func (c *checker) placement(p sdk.LoRAPlacement) {
	c.t.Helper()
	g := ReferenceGenerator()
	const call = "Place(sdktest.ReferenceGenerator(), default options)"
	got, err := p.Place(c.ctx(), g, nil)
	if err != nil {
		c.errorf("%s: %v", call, err)
	} else {
		c.placed(call, g, got)
		if again, err := p.Place(c.ctx(), g, nil); err == nil {
			c.deterministic(call, got, again)
		}
	}

	b := ir.NewBuilder("generator")
	bare, err := b.Graph(b.Tanh("out", b.Input("source", 3, 16, 16)))
	if err != nil {
		panic(err) // a mistake in this file
	}
	if got, err := p.Place(c.ctx(), bare, nil); err == nil {
		c.errorf("Place on a graph without conv2d or linear nodes returned %d layers and no error: a placement that selects nothing must be an error", len(got.Layers))
	}
}

// placed checks a placement on g: the host gives each layer a LoRA of its rank.
func (c *checker) placed(call string, g ir.Graph, p sdk.Placement) {
	c.t.Helper()
	if len(p.Layers) == 0 {
		c.errorf("%s: no layers and no error: a placement that selects nothing must be an error", call)
	}
	seen := map[string]bool{}
	for _, l := range p.Layers {
		n, ok := g.Node(l.Node)
		switch {
		case !ok:
			c.errorf("%s: layer %q: the graph has no such node", call, l.Node)
		case !adaptable(n):
			c.errorf("%s: layer %s is a %s: LoRA adapts conv2d and linear nodes", call, l.Node, n.Op)
		case seen[l.Node]:
			c.errorf("%s: node %s is placed twice", call, l.Node)
		}
		seen[l.Node] = true
		if l.Rank < 1 {
			c.errorf("%s: layer %s has rank %d, want ≥ 1", call, l.Node, l.Rank)
		}
		if !(l.Alpha >= 0) || math.IsInf(l.Alpha, 0) {
			c.errorf("%s: layer %s has alpha %v, want finite and ≥ 0", call, l.Node, l.Alpha)
		}
	}
}

// ReferenceGenerator is a small generator in E2GAN's layout whose nodes carry the
// well-known tags of package ir, regions and roles (all but attn.cross: the host feeds
// a generator no context input): a stem, a stride-2 downsampling, a ResNet block (ds),
// a self-attention block (norms, projections q, k, v, out, an MLP), a ResNet block
// (us), an upsampling and a head. Conformance places LoRA on it; a placement's own
// tests may too. Input source (3, 16, 16), output (3, 16, 16).
func ReferenceGenerator() ir.Graph {
	b := ir.NewBuilder("generator")
	tags := ir.Tags
	x := b.Input("source", 3, 16, 16)
	h := b.Conv2d("stem", x, 8, 3, 1, 1, tags(ir.TagStem)) // (8, 16, 16)
	h = b.GroupNorm("stem.norm", h, 4, tags(ir.TagStem, ir.TagNorm))
	h = b.SiLU("stem.act", h, tags(ir.TagStem))
	h = b.Conv2d("down", h, 16, 3, 2, 1, tags(ir.TagDownsample)) // (16, 8, 8)
	h = b.GroupNorm("down.norm", h, 4, tags(ir.TagDownsample, ir.TagNorm))
	h = b.SiLU("down.act", h, tags(ir.TagDownsample))
	h = resBlock(b, "ds", h, ir.TagDS)

	t := b.ToTokens("transformer.tokens", h, tags(ir.TagTransformer)) // (64, 16)
	n := b.LayerNorm("transformer.norm1", t, tags(ir.TagTransformer, ir.TagNorm))
	q := b.Linear("transformer.attn.q", n, 16, tags(ir.TagTransformer, ir.TagAttnQ))
	k := b.Linear("transformer.attn.k", n, 16, tags(ir.TagTransformer, ir.TagAttnK))
	v := b.Linear("transformer.attn.v", n, 16, tags(ir.TagTransformer, ir.TagAttnV))
	a := b.Attention("transformer.attn", q, k, v, 2, tags(ir.TagTransformer))
	a = b.Linear("transformer.attn.out", a, 16, tags(ir.TagTransformer, ir.TagAttnOut))
	t = b.Add("transformer.add1", t, a, tags(ir.TagTransformer))
	n = b.LayerNorm("transformer.norm2", t, tags(ir.TagTransformer, ir.TagNorm))
	m := b.Linear("transformer.mlp.fc1", n, 32, tags(ir.TagTransformer, ir.TagMLP))
	m = b.GELU("transformer.mlp.act", m, tags(ir.TagTransformer, ir.TagMLP))
	m = b.Linear("transformer.mlp.fc2", m, 16, tags(ir.TagTransformer, ir.TagMLP))
	t = b.Add("transformer.add2", t, m, tags(ir.TagTransformer))
	h = b.FromTokens("transformer.image", t, 8, 8, tags(ir.TagTransformer)) // (16, 8, 8)

	h = resBlock(b, "us", h, ir.TagUS)
	h = b.Upsample("up.resize", h, 2, tags(ir.TagUpsample)) // (16, 16, 16)
	h = b.Conv2d("up", h, 8, 3, 1, 1, tags(ir.TagUpsample)) // (8, 16, 16)
	h = b.GroupNorm("up.norm", h, 4, tags(ir.TagUpsample, ir.TagNorm))
	h = b.SiLU("up.act", h, tags(ir.TagUpsample))
	h = b.Conv2d("head", h, 3, 3, 1, 1, tags(ir.TagHead)) // (3, 16, 16)
	g, err := b.Graph(b.Tanh("out", h, tags(ir.TagHead)))
	if err != nil {
		panic(err) // a mistake in this file
	}
	return g
}

// resBlock adds x + conv(silu(norm(conv(x)))), every node tagged region.
func resBlock(b *ir.Builder, name string, x ir.Value, region string) ir.Value {
	tags := ir.Tags(region)
	c := x.Shape[0]
	h := b.Conv2d(name+".conv1", x, c, 3, 1, 1, tags)
	h = b.GroupNorm(name+".norm", h, 4, ir.Tags(region, ir.TagNorm))
	h = b.SiLU(name+".act", h, tags)
	h = b.Conv2d(name+".conv2", h, c, 3, 1, 1, tags)
	return b.Add(name+".add", x, h, tags)
}
