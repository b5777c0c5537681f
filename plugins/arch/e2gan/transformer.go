package e2gan

import (
	"dnw/sdk/ir"
)

// mlpRatio is the width of the transformer's MLP over its model width: 4, as in
// Vaswani et al. (2017; d_ff = 2048 = 4·512) and ViT (Dosovitskiy et al. 2021).
const mlpRatio = 4

// transformer is the one transformer block of the generator, pre-norm as in ViT,
// over the tokens of the feature map x (D, h, w), D = width·2^downsamples:
//
//	transformer.tokens      to_tokens                                 (h·w, D)
//	transformer.attn.norm   layer_norm
//	transformer.attn.q/k/v  linear D→D each                           tags attn.q, attn.k, attn.v
//	transformer.attn        attention, heads heads (self)
//	transformer.attn.out    linear D→D                                tag attn.out
//	transformer.attn.add    tokens + attn.out
//	(cross-attention, only with the option cross_attention:)
//	transformer.cross.norm  layer_norm
//	transformer.cross.q     linear D→D of the normed tokens           tags attn.q, attn.cross
//	transformer.cross.k/v   linear context_dim→D of "concept" (1, E)   tags attn.k/attn.v, attn.cross
//	transformer.cross       attention, heads heads
//	transformer.cross.out   linear D→D                                tags attn.out, attn.cross
//	transformer.cross.add
//	transformer.mlp.norm    layer_norm
//	transformer.mlp.fc1     linear D→4D, gelu (transformer.mlp.act)   tag mlp
//	transformer.mlp.fc2     linear 4D→D                               tag mlp
//	transformer.mlp.add
//	transformer.image       from_tokens                               (D, h, w)
//
// Every node is also tagged transformer, and the layer norms norm. The order
// self-attention, cross-attention, MLP is that of Stable Diffusion's
// BasicTransformerBlock. There is no positional embedding (the IR has no op to add a
// parameter tensor): the zero-padded convolutions before the block already encode
// position (Islam et al., "How Much Position Information Do Convolutional Neural
// Networks Encode?", ICLR 2020).
func transformer(b *ir.Builder, c config, x, concept ir.Value) ir.Value {
	if len(x.Shape) != 3 {
		return x // a failed input: the builder has reported it
	}
	d, hgt, wid := x.Shape[0], x.Shape[1], x.Shape[2]
	tags := func(more ...string) ir.NodeOption { return ir.Tags(append([]string{ir.TagTransformer}, more...)...) }
	lnorm := func(name string, t ir.Value) ir.Value { return b.LayerNorm(name, t, tags(ir.TagNorm)) }

	tok := b.ToTokens("transformer.tokens", x, tags())

	// Self-attention.
	n := lnorm("transformer.attn.norm", tok)
	q := b.Linear("transformer.attn.q", n, d, tags(ir.TagAttnQ))
	k := b.Linear("transformer.attn.k", n, d, tags(ir.TagAttnK))
	v := b.Linear("transformer.attn.v", n, d, tags(ir.TagAttnV))
	a := b.Attention("transformer.attn", q, k, v, c.heads, tags())
	a = b.Linear("transformer.attn.out", a, d, tags(ir.TagAttnOut))
	tok = b.Add("transformer.attn.add", tok, a, tags())

	// Cross-attention to the concept embedding.
	if c.crossAttention {
		n = lnorm("transformer.cross.norm", tok)
		q = b.Linear("transformer.cross.q", n, d, tags(ir.TagAttnQ, ir.TagCross))
		k = b.Linear("transformer.cross.k", concept, d, tags(ir.TagAttnK, ir.TagCross))
		v = b.Linear("transformer.cross.v", concept, d, tags(ir.TagAttnV, ir.TagCross))
		a = b.Attention("transformer.cross", q, k, v, c.heads, tags(ir.TagCross))
		a = b.Linear("transformer.cross.out", a, d, tags(ir.TagAttnOut, ir.TagCross))
		tok = b.Add("transformer.cross.add", tok, a, tags())
	}

	// MLP.
	n = lnorm("transformer.mlp.norm", tok)
	m := b.Linear("transformer.mlp.fc1", n, mlpRatio*d, tags(ir.TagMLP))
	m = b.GELU("transformer.mlp.act", m, tags(ir.TagMLP))
	m = b.Linear("transformer.mlp.fc2", m, d, tags(ir.TagMLP))
	tok = b.Add("transformer.mlp.add", tok, m, tags())

	return b.FromTokens("transformer.image", tok, hgt, wid, tags())
}
