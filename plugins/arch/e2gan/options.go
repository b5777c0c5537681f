package e2gan

import (
	"dnw/plugins/arch/norm"
	"dnw/sdk"
)

// options is the schema of arch.e2gan's options.
var options = []sdk.OptionSpec{
	{Name: "width", Type: sdk.OptionInt, Default: int64(32), Min: sdk.Float(4), Max: sdk.Float(512),
		Doc: "channels after the stem; each downsampling doubles them (32 is the E2GAN-like model of docs/dependencies.md)"},
	{Name: "downsamples", Type: sdk.OptionInt, Default: int64(2), Min: sdk.Float(1), Max: sdk.Float(6),
		Doc: "stride-2 convolutions (and as many upsamplings); the image size must be divisible by 2^downsamples"},
	{Name: "res_blocks", Type: sdk.OptionInt, Default: int64(3), Min: sdk.Float(0), Max: sdk.Float(16),
		Doc: "ResNet blocks at the downsampled resolution (E2GAN uses 3): ceil(n/2) before the transformer (tag ds), the rest after it (tag us)"},
	{Name: "heads", Type: sdk.OptionInt, Default: int64(4), Min: sdk.Float(1), Max: sdk.Float(64),
		Doc: "attention heads; must divide the transformer's width, width·2^downsamples"},
	{Name: "norm", Type: sdk.OptionString, Default: "group", Enum: norm.Kinds,
		Doc: "norm of the convolutional layers, generator and discriminator (the transformer always uses layer norm)"},
	{Name: "cross_attention", Type: sdk.OptionBool, Default: false,
		Doc: "add cross-attention from the image tokens to a concept embedding, a second generator input \"concept\" of shape (1, context_dim)"},
	{Name: "context_dim", Type: sdk.OptionInt, Default: int64(512), Min: sdk.Float(1), Max: sdk.Float(8192),
		Doc: "width of the concept embedding (512: CLIP ViT-B text embeddings); must equal the text encoder's Dim; used only with cross_attention"},
	{Name: "disc_width", Type: sdk.OptionInt, Default: int64(64), Min: sdk.Float(1), Max: sdk.Float(1024),
		Doc: "channels of the discriminator's first convolution (pix2pix's ndf)"},
	{Name: "disc_layers", Type: sdk.OptionInt, Default: int64(3), Min: sdk.Float(1), Max: sdk.Float(8),
		Doc: "stride-2 convolutions of the PatchGAN (pix2pix's n_layers; fewer on small images, never below a 2×2 patch map)"},
}

// config is the resolved options.
type config struct {
	width, downsamples, resBlocks, heads int
	norm                                 string
	crossAttention                       bool
	contextDim                           int
	discWidth, discLayers                int
}

func configFrom(o sdk.Options) config {
	return config{
		width: o.Int("width"), downsamples: o.Int("downsamples"), resBlocks: o.Int("res_blocks"),
		heads: o.Int("heads"), norm: o.String("norm"),
		crossAttention: o.Bool("cross_attention"), contextDim: o.Int("context_dim"),
		discWidth: o.Int("disc_width"), discLayers: o.Int("disc_layers"),
	}
}
