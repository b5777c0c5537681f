package patchgan

import (
	"fmt"

	"dnw/plugins/arch/norm"
	"dnw/sdk/ir"
)

// Config sizes a PatchGAN.
type Config struct {
	Channels  int    // image channels; the discriminator sees source and target, 2·Channels
	ImageSize int    // side of the square images
	Width     int    // channels of the first convolution (pix2pix's ndf = 64)
	Layers    int    // stride-2 convolutions at most (pix2pix's n_layers = 3: the 70×70 PatchGAN)
	Norm      string // one of norm.Kinds (pix2pix uses "batch")
}

// Init is pix2pix's initialization of every convolution weight: N(0, 0.02²)
// (init_weights with init_type "normal", init_gain 0.02). Biases start at zero; norm
// scales at one (pix2pix draws batch-norm scales from N(1, 0.02²), which an ir.Init
// cannot say).
var Init = ir.Init{Kind: ir.InitNormal, Std: 0.02}

// Slope is the negative slope of the discriminator's leaky ReLUs (pix2pix: 0.2).
const Slope = 0.2

// minSide is the smallest side the stride-2 stack may leave: the two stride-1 4×4
// convolutions that follow take 1 each, so the patch map is at least 2×2.
const minSide = 4

// Strides is the number of stride-2 convolutions Build uses for an image side:
// Layers, or fewer where one more would leave a side below 4 (so that the patch map
// is never smaller than 2×2). It is 0 when the side is below 8, which Build refuses.
func (c Config) Strides() int {
	n, side := 0, c.ImageSize
	for n < c.Layers && down(side) >= minSide {
		n, side = n+1, down(side)
	}
	return n
}

// down is the side after a 4×4 convolution with stride 2 and padding 1.
func down(side int) int { return (side+2-4)/2 + 1 }

// Build returns the discriminator graph, named "discriminator". Its inputs are
// "source" and "target", both (Channels, ImageSize, ImageSize); its output "logits"
// is (1, h, w): one real/fake logit per patch. Layers (pix2pix's NLayerDiscriminator,
// with the numbers of layers scaled to the image size by Strides):
//
//	pair        concat(source, target)                         (2·Channels, S, S)
//	conv1       4×4 stride 2, Width channels, leaky_relu 0.2    no norm (as pix2pix)
//	conv2…convN 4×4 stride 2, Width·min(2^(i−1), 8), norm, leaky_relu
//	conv(N+1)   4×4 stride 1, Width·min(2^N, 8), norm, leaky_relu
//	logits      4×4 stride 1, 1 channel
//
// All convolutions pad by 1. A convolution before a norm that cancels biases (batch,
// instance) has no bias, as in pix2pix. Norm nodes are tagged "norm".
func Build(c Config) (ir.Graph, error) {
	switch {
	case c.Channels < 1 || c.Width < 1 || c.Layers < 1:
		return ir.Graph{}, fmt.Errorf("patchgan: needs Channels, Width and Layers ≥ 1, got %d, %d, %d", c.Channels, c.Width, c.Layers)
	case c.Strides() == 0:
		return ir.Graph{}, fmt.Errorf("patchgan: image size %d is too small: the discriminator needs at least 8 pixels a side", c.ImageSize)
	}
	w := ir.WeightInit(Init)
	b := ir.NewBuilder("discriminator")
	src := b.Input("source", c.Channels, c.ImageSize, c.ImageSize)
	tgt := b.Input("target", c.Channels, c.ImageSize, c.ImageSize)
	h := b.Concat("pair", []ir.Value{src, tgt})

	h = b.Conv2d("conv1", h, c.Width, 4, 2, 1, w)
	h = b.LeakyReLU("conv1.act", h, Slope)
	block := func(i, filters, stride int) {
		name := fmt.Sprintf("conv%d", i)
		opts := []ir.NodeOption{w}
		if norm.CancelsBias(c.Norm) {
			opts = append(opts, ir.NoBias())
		}
		h = b.Conv2d(name, h, filters, 4, stride, 1, opts...)
		h = norm.Apply(b, c.Norm, name+".norm", h)
		h = b.LeakyReLU(name+".act", h, Slope)
	}
	n := c.Strides()
	for i := 2; i <= n; i++ {
		block(i, c.Width*min(1<<(i-1), 8), 2)
	}
	block(n+1, c.Width*min(1<<n, 8), 1)
	h = b.Conv2d("logits", h, 1, 4, 1, 1, w)
	return b.Graph(h)
}
