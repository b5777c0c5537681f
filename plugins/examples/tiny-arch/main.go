package main

import (
	"context"
	"fmt"

	"dnw/sdk"
	"dnw/sdk/ir"
)

// Tiny is the architecture: a small encoder-decoder generator and a PatchGAN-like
// discriminator, written with sdk/ir's Builder.
type Tiny struct{}

var _ sdk.Architecture = Tiny{} // interface guard

func (Tiny) Info() sdk.Info {
	return sdk.Info{
		ID: "arch.tiny", Kind: sdk.KindArchitecture, Version: "0.1.0",
		Doc: "a small encoder-decoder generator (4×4 patches, a ResNet block, self-attention, a ResNet block, " +
			"upsampling, tanh) and a PatchGAN-like discriminator; tagged for every bundled LoRA placement",
		Options: []sdk.OptionSpec{
			// Integer defaults are int64: an untyped 16 is an int, which sdk.Check refuses.
			{Name: "width", Type: sdk.OptionInt, Default: int64(16), Min: sdk.Float(8), Max: sdk.Float(256),
				Doc: "channels after the stem, doubled by the downsampling; a multiple of 8 (the group norms have 8 groups)"},
			{Name: "heads", Type: sdk.OptionInt, Default: int64(2), Min: sdk.Float(1), Max: sdk.Float(16),
				Doc: "attention heads; must divide 2·width"},
		},
	}
}

// Build returns the generator and the discriminator for req. Options arrive resolved
// against Info().Options, defaults filled in; what a range cannot say is checked here.
func (Tiny) Build(_ context.Context, req sdk.ArchRequest) (ir.Model, error) {
	c, s := req.Channels, req.ImageSize
	w, heads := req.Options.Int("width"), req.Options.Int("heads")
	switch {
	case s < 8 || s%4 != 0:
		return ir.Model{}, fmt.Errorf("image size %d: want a multiple of 4, at least 8", s)
	case w%8 != 0:
		return ir.Model{}, fmt.Errorf("option width: %d is not a multiple of 8", w)
	case 2*w%heads != 0:
		return ir.Model{}, fmt.Errorf("option heads: %d does not divide 2·width = %d", heads, 2*w)
	}
	gen, err := generator(c, s, w, heads)
	if err != nil {
		return ir.Model{}, err
	}
	disc, err := discriminator(c, s, w)
	if err != nil {
		return ir.Model{}, err
	}
	return ir.Model{Version: ir.Version, Generator: gen, Discriminator: disc}, nil
}

// generator maps the source image (C, S, S) to the target image (C, S, S). Every node
// carries its region's tag; norms carry norm, attention projections their role.
func generator(c, s, w, heads int) (ir.Graph, error) {
	b := ir.NewBuilder("generator")
	x := b.Input("source", c, s, s)                           // (C, S, S): the one input the host feeds
	h := b.Conv2d("stem", x, w, 3, 1, 1, ir.Tags(ir.TagStem)) // (w, S, S)
	h = b.SiLU("stem.act", h, ir.Tags(ir.TagStem))
	h = b.Conv2d("down", h, 2*w, 4, 4, 0, ir.Tags(ir.TagDownsample)) // (2w, S/4, S/4): 4×4 patches
	h = b.GroupNorm("down.norm", h, 8, ir.Tags(ir.TagDownsample, ir.TagNorm))
	h = b.SiLU("down.act", h, ir.Tags(ir.TagDownsample))
	h = resBlock(b, "ds", h, 2*w, ir.TagDS)
	h = selfAttention(b, "transformer", h, 2*w, s/4, heads)
	h = resBlock(b, "us", h, 2*w, ir.TagUS)
	h = b.Upsample("up.resize", h, 4, ir.Tags(ir.TagUpsample)) // (2w, S, S): the IR has no transposed conv
	h = b.Conv2d("up", h, w, 3, 1, 1, ir.Tags(ir.TagUpsample)) // (w, S, S)
	h = b.GroupNorm("up.norm", h, 8, ir.Tags(ir.TagUpsample, ir.TagNorm))
	h = b.SiLU("up.act", h, ir.Tags(ir.TagUpsample))
	h = b.Conv2d("head", h, c, 3, 1, 1, ir.Tags(ir.TagHead)) // (C, S, S)
	return b.Graph(b.Tanh("out", h, ir.Tags(ir.TagHead)))    // in [-1, 1], as the images are
}

// resBlock adds x + silu(norm(conv(x))) for x of ch channels, every node tagged region.
func resBlock(b *ir.Builder, name string, x ir.Value, ch int, region string) ir.Value {
	r := b.Conv2d(name+".conv", x, ch, 3, 1, 1, ir.Tags(region))
	r = b.GroupNorm(name+".norm", r, 8, ir.Tags(region, ir.TagNorm))
	r = b.SiLU(name+".act", r, ir.Tags(region))
	return b.Add(name+".add", x, r, ir.Tags(region))
}

// selfAttention adds x + attention over the pixels of x (d, side, side) as tokens. The
// q, k, v and output projections are linear nodes of their own, so LoRA can adapt them.
func selfAttention(b *ir.Builder, name string, x ir.Value, d, side, heads int) ir.Value {
	t := ir.Tags(ir.TagTransformer)
	tokens := b.ToTokens(name+".tokens", x, t) // (side², d)
	n := b.LayerNorm(name+".norm", tokens, ir.Tags(ir.TagTransformer, ir.TagNorm))
	q := b.Linear(name+".q", n, d, ir.Tags(ir.TagTransformer, ir.TagAttnQ))
	k := b.Linear(name+".k", n, d, ir.Tags(ir.TagTransformer, ir.TagAttnK))
	v := b.Linear(name+".v", n, d, ir.Tags(ir.TagTransformer, ir.TagAttnV))
	a := b.Attention(name+".attn", q, k, v, heads, t)
	a = b.Linear(name+".out", a, d, ir.Tags(ir.TagTransformer, ir.TagAttnOut))
	return b.Add(name+".add", x, b.FromTokens(name+".image", a, side, side, t), t)
}

// discriminator scores (source, target) pairs: one real/fake logit per patch.
func discriminator(c, s, w int) (ir.Graph, error) {
	b := ir.NewBuilder("discriminator")
	src, tgt := b.Input("source", c, s, s), b.Input("target", c, s, s)
	h := b.Concat("pair", []ir.Value{src, tgt}) // (2C, S, S)
	h = b.Conv2d("conv1", h, w, 4, 2, 1)        // (w, S/2, S/2)
	h = b.LeakyReLU("conv1.act", h, 0.2)
	h = b.Conv2d("conv2", h, 2*w, 4, 2, 1) // (2w, S/4, S/4)
	h = b.GroupNorm("conv2.norm", h, 8, ir.Tags(ir.TagNorm))
	h = b.LeakyReLU("conv2.act", h, 0.2)
	return b.Graph(b.Conv2d("logits", h, 1, 3, 1, 1)) // (1, S/4, S/4)
}

func main() { sdk.Serve(Tiny{}) }
