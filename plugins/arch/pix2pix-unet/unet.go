package pix2pixunet

import (
	"fmt"

	"dnw/plugins/arch/norm"
	"dnw/plugins/arch/patchgan"
	"dnw/sdk/ir"
)

// dropoutRate and dropoutBlocks: pix2pix's decoder is CD512-CD1024-CD1024-C1024-…:
// dropout 0.5 in its first three blocks, which is the GAN's only noise (Isola et al.
// 2017, §3.2 and §6.1.1).
const (
	dropoutRate   = 0.5
	dropoutBlocks = 3
)

// slope is the negative slope of the encoder's leaky ReLUs (pix2pix: 0.2).
const slope = 0.2

// levelChannels is the width of encoder level i (1-based): ngf·min(2^(i−1), 8), as
// pix2pix's 64-128-256-512-512-…
func levelChannels(width, i int) int { return width * min(1<<(i-1), 8) }

// unet builds the generator graph, named "generator", with depth levels. Input
// "source" (channels, s, s); output "head.tanh" (channels, s, s). Written with
// post-activations, pix2pix's UnetSkipConnectionBlock becomes (Cᵢ = levelChannels):
//
//	down1      conv 4×4 stride 2 → C₁, leaky_relu 0.2 (down1.act)           no norm
//	down2…     conv 4×4 stride 2 → Cᵢ, norm, leaky_relu 0.2
//	downD      conv 4×4 stride 2 → C_D, relu (downD.act)                     no norm (innermost)
//	upI (i = D−1 … 1)  nearest ×2 (upI.resize), conv 3×3 → Cᵢ, norm,
//	           dropout 0.5 in the first three, concat(skip i, ·) (upI.skip), relu
//	head       nearest ×2, conv 3×3 → channels, tanh
//
// The skip of level i is the encoder's output at level i before its activation, and
// the relu after each concat is the uprelu of pix2pix's next block. Encoder nodes are
// tagged downsample, decoder and head nodes upsample, norms norm. Convolutions take
// pix2pix's N(0, 0.02²) init and have a bias unless a bias-cancelling norm follows.
func unet(c config, size, channels, depth int) (ir.Graph, error) {
	b := ir.NewBuilder("generator")
	w := ir.WeightInit(patchgan.Init)
	conv := func(name string, h ir.Value, filters, kernel, stride, pad int, normed bool, tag string) ir.Value {
		opts := []ir.NodeOption{w, ir.Tags(tag)}
		if normed && norm.CancelsBias(c.norm) {
			opts = append(opts, ir.NoBias())
		}
		h = b.Conv2d(name, h, filters, kernel, stride, pad, opts...)
		if normed {
			h = norm.Apply(b, c.norm, name+".norm", h, tag)
		}
		return h
	}
	down := ir.Tags(ir.TagDownsample)
	up := ir.Tags(ir.TagUpsample)

	skips := make([]ir.Value, depth+1) // skips[i]: level i's output before activation
	h := b.Input("source", channels, size, size)
	for i := 1; i <= depth; i++ {
		if i > 1 {
			h = b.LeakyReLU(fmt.Sprintf("down%d.act", i-1), h, slope, down)
		}
		skips[i] = conv(fmt.Sprintf("down%d", i), h, levelChannels(c.width, i), 4, 2, 1, i > 1 && i < depth, ir.TagDownsample)
		h = skips[i]
	}
	h = b.ReLU(fmt.Sprintf("down%d.act", depth), h, down)

	for i, k := depth-1, 0; i >= 1; i, k = i-1, k+1 {
		name := fmt.Sprintf("up%d", i)
		h = b.Upsample(name+".resize", h, 2, up)
		h = conv(name, h, levelChannels(c.width, i), 3, 1, 1, true, ir.TagUpsample)
		if k < dropoutBlocks {
			h = b.Dropout(name+".dropout", h, dropoutRate, up)
		}
		h = b.Concat(name+".skip", []ir.Value{skips[i], h}, up)
		h = b.ReLU(name+".act", h, up)
	}
	h = b.Upsample("head.resize", h, 2, up)
	h = conv("head", h, channels, 3, 1, 1, false, ir.TagUpsample)
	h = b.Tanh("head.tanh", h, up)
	return b.Graph(h)
}
