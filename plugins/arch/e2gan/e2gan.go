package e2gan

import (
	"context"
	"errors"
	"fmt"

	"dnw/plugins/arch/patchgan"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// ID is the plugin's id.
const ID = "arch.e2gan"

// E2GAN is the arch.e2gan plugin. It has no state; Build is safe for concurrent use.
type E2GAN struct{}

var _ sdk.Architecture = (*E2GAN)(nil)

// New returns the plugin, for `sdk.Serve(e2gan.New())` or the host's bundled registry.
func New() *E2GAN { return &E2GAN{} }

// Info describes arch.e2gan and its options.
func (*E2GAN) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindArchitecture, Version: "1.0.0",
		Doc: "E2GAN hybrid generator (Yang et al. 2024): stride-2 conv downsampling, ResNet blocks, " +
			"one transformer block (optional cross-attention to a concept embedding), ResNet blocks, " +
			"nearest-upsample + conv upsampling, tanh; pix2pix PatchGAN discriminator. Nodes are tagged " +
			"downsample, ds, transformer, us, upsample (the paper's five LoRA places) and norm.",
		Options: options,
	}
}

// Build returns the generator and discriminator for req. The image size must be
// divisible by 2^downsamples and at least 8, and heads must divide the transformer's
// width, width·2^downsamples.
func (e *E2GAN) Build(ctx context.Context, req sdk.ArchRequest) (ir.Model, error) {
	if err := ctx.Err(); err != nil {
		return ir.Model{}, err
	}
	opts, errs := sdk.Resolve(options, req.Options)
	if len(errs) > 0 {
		return ir.Model{}, optionErrors(errs)
	}
	c := configFrom(opts)
	scale := 1 << c.downsamples
	dim := c.width * scale
	switch {
	case req.Channels < 1:
		return ir.Model{}, fmt.Errorf("%s: channels must be at least 1, got %d", ID, req.Channels)
	case req.ImageSize < 8 || req.ImageSize%scale != 0:
		return ir.Model{}, fmt.Errorf("%s: image size %d must be at least 8 and divisible by 2^downsamples = %d", ID, req.ImageSize, scale)
	case dim%c.heads != 0:
		return ir.Model{}, fmt.Errorf("%s: option heads: %d does not divide the transformer width width·2^downsamples = %d", ID, c.heads, dim)
	}
	gen, err := generator(c, req.ImageSize, req.Channels)
	if err != nil {
		return ir.Model{}, fmt.Errorf("%s: %w", ID, err)
	}
	disc, err := patchgan.Build(patchgan.Config{Channels: req.Channels, ImageSize: req.ImageSize,
		Width: c.discWidth, Layers: c.discLayers, Norm: c.norm})
	if err != nil {
		return ir.Model{}, fmt.Errorf("%s: %w", ID, err)
	}
	return ir.Model{Version: ir.Version, Generator: gen, Discriminator: disc}, nil
}

// optionErrors joins option problems the way the gRPC server reports them.
func optionErrors(errs []*sdk.OptionError) error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("%s: %w", ID, e)
	}
	return errors.Join(out...)
}
