package pix2pixunet

import (
	"context"
	"errors"
	"fmt"
	"math/bits"

	"dnw/plugins/arch/patchgan"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// ID is the plugin's id.
const ID = "arch.pix2pix-unet"

// UNet is the arch.pix2pix-unet plugin. It has no state; Build is safe for concurrent use.
type UNet struct{}

var _ sdk.Architecture = (*UNet)(nil)

// New returns the plugin, for `sdk.Serve(pix2pixunet.New())` or the host's bundled registry.
func New() *UNet { return &UNet{} }

// Info describes arch.pix2pix-unet and its options.
func (*UNet) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindArchitecture, Version: "1.0.0",
		Doc: "pix2pix U-Net generator (Isola et al. 2017): 4×4 stride-2 conv encoder with leaky ReLU down to 1×1, " +
			"decoder of nearest upsample + 3×3 conv (the IR has no transposed conv) with norm, dropout 0.5 in the " +
			"first three blocks, skip concatenations and ReLU, tanh output; PatchGAN discriminator. Encoder nodes " +
			"are tagged downsample, decoder nodes upsample, norms norm.",
		Options: options,
	}
}

// Build returns the generator and discriminator for req.
func (u *UNet) Build(ctx context.Context, req sdk.ArchRequest) (ir.Model, error) {
	if err := ctx.Err(); err != nil {
		return ir.Model{}, err
	}
	opts, errs := sdk.Resolve(options, req.Options)
	if len(errs) > 0 {
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("%s: %w", ID, e)
		}
		return ir.Model{}, errors.Join(out...)
	}
	c := configFrom(opts)
	if req.Channels < 1 {
		return ir.Model{}, fmt.Errorf("%s: channels must be at least 1, got %d", ID, req.Channels)
	}
	depth, err := Depth(req.ImageSize, c.depth)
	if err != nil {
		return ir.Model{}, fmt.Errorf("%s: %w", ID, err)
	}
	gen, err := unet(c, req.ImageSize, req.Channels, depth)
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

// Depth is the number of U-Net levels for an image side and the depth option: the
// option if it is set (≥ 2, with size divisible by 2^depth), else the number of times
// size halves exactly, which reaches 1×1 for powers of two as pix2pix does (8 levels
// at 256×256).
func Depth(size, option int) (int, error) {
	if size < 1 {
		return 0, fmt.Errorf("image size %d must be positive", size)
	}
	if option == 0 {
		d := bits.TrailingZeros(uint(size))
		if d < 2 {
			return 0, fmt.Errorf("image size %d must be divisible by 4 (the U-Net needs at least 2 levels)", size)
		}
		return d, nil
	}
	if option < 2 || size%(1<<option) != 0 {
		return 0, fmt.Errorf("option depth: %d needs to be at least 2, with the image size %d divisible by 2^depth", option, size)
	}
	return option, nil
}
