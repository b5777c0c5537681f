package pix2pixunet

import (
	"dnw/plugins/arch/norm"
	"dnw/sdk"
)

// options is the schema of arch.pix2pix-unet's options.
var options = []sdk.OptionSpec{
	{Name: "width", Type: sdk.OptionInt, Default: int64(64), Min: sdk.Float(1), Max: sdk.Float(512),
		Doc: "channels of the first encoder convolution (pix2pix's ngf = 64); deeper levels double them up to 8·width"},
	{Name: "depth", Type: sdk.OptionInt, Default: int64(0), Min: sdk.Float(0), Max: sdk.Float(12),
		Doc: "encoder levels (stride-2 convolutions); 0 chooses as many as halve the image exactly, down to 1×1 for powers of two (pix2pix's num_downs: 8 at 256×256); otherwise at least 2, with the image size divisible by 2^depth"},
	{Name: "norm", Type: sdk.OptionString, Default: "batch", Enum: norm.Kinds,
		Doc: "norm of the generator and discriminator (pix2pix uses batch norm)"},
	{Name: "disc_width", Type: sdk.OptionInt, Default: int64(64), Min: sdk.Float(1), Max: sdk.Float(1024),
		Doc: "channels of the discriminator's first convolution (pix2pix's ndf)"},
	{Name: "disc_layers", Type: sdk.OptionInt, Default: int64(3), Min: sdk.Float(1), Max: sdk.Float(8),
		Doc: "stride-2 convolutions of the PatchGAN (pix2pix's n_layers; fewer on small images, never below a 2×2 patch map)"},
}

// config is the resolved options.
type config struct {
	width, depth          int
	norm                  string
	discWidth, discLayers int
}

func configFrom(o sdk.Options) config {
	return config{width: o.Int("width"), depth: o.Int("depth"), norm: o.String("norm"),
		discWidth: o.Int("disc_width"), discLayers: o.Int("disc_layers")}
}
