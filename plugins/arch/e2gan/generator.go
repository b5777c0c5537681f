package e2gan

import (
	"fmt"

	"dnw/plugins/arch/norm"
	"dnw/sdk/ir"
)

// Kernel sides of the stem and head convolutions: 7×7 as in the ResNet generator of
// Johnson et al. (2016) that pix2pix and CycleGAN use (with zero padding 3 here: the
// IR has no reflection padding).
const edgeKernel = 7

// generator builds the generator graph, named "generator". Inputs: "source"
// (channels, size, size) and, with cross-attention, "concept" (1, context_dim).
// Output: "head.tanh" (channels, size, size) in [−1, 1]. With W = width, D =
// downsamples, s = size:
//
//	stem       conv 7×7, W channels, norm, relu                       (W, s, s)         stem
//	down1…D    conv 3×3 stride 2, doubling channels, norm, relu       (W·2^D, s/2^D, …) downsample
//	ds1…       ResNet blocks (conv 3×3, norm, relu, conv 3×3, norm, +) ds
//	transformer one pre-norm transformer block over the s/2^D × s/2^D tokens           transformer
//	us1…       ResNet blocks                                           us
//	up1…D      nearest upsample ×2, conv 3×3 halving channels, norm, relu              upsample
//	head       conv 7×7 to the image channels, tanh                                    head
//
// Of the res_blocks ResNet blocks, ceil(n/2) come before the transformer and the rest
// after it: the blocks before build the features it attends over, and with E2GAN's 3
// blocks both the paper's DS and US places hold at least one. Activations are ReLU,
// as in the ResNet generator. Convolutions have a bias unless the norm after them
// cancels it (norm.CancelsBias). Inits are PyTorch's defaults (ir.Builder).
func generator(c config, size, channels int) (ir.Graph, error) {
	b := ir.NewBuilder("generator")
	x := b.Input("source", channels, size, size)
	var concept ir.Value
	if c.crossAttention {
		concept = b.Input("concept", 1, c.contextDim)
	}
	convNorm := func(name string, h ir.Value, filters, kernel, stride, pad int, region string) ir.Value {
		h = b.Conv2d(name, h, filters, kernel, stride, pad, convOpts(c.norm, region)...)
		h = norm.Apply(b, c.norm, name+".norm", h, region)
		return b.ReLU(name+".act", h, ir.Tags(region))
	}

	h := convNorm("stem", x, c.width, edgeKernel, 1, edgeKernel/2, ir.TagStem)
	ch := c.width
	for i := 1; i <= c.downsamples; i++ {
		ch *= 2
		h = convNorm(fmt.Sprintf("down%d", i), h, ch, 3, 2, 1, ir.TagDownsample)
	}
	before := c.resBlocks - c.resBlocks/2
	for i := 1; i <= before; i++ {
		h = resBlock(b, c.norm, fmt.Sprintf("ds%d", i), h, ir.TagDS)
	}
	h = transformer(b, c, h, concept)
	for i := 1; i <= c.resBlocks/2; i++ {
		h = resBlock(b, c.norm, fmt.Sprintf("us%d", i), h, ir.TagUS)
	}
	for i := 1; i <= c.downsamples; i++ {
		ch /= 2
		name := fmt.Sprintf("up%d", i)
		h = b.Upsample(name+".resize", h, 2, ir.Tags(ir.TagUpsample))
		h = convNorm(name, h, ch, 3, 1, 1, ir.TagUpsample)
	}
	h = b.Conv2d("head", h, channels, edgeKernel, 1, edgeKernel/2, ir.Tags(ir.TagHead))
	h = b.Tanh("head.tanh", h, ir.Tags(ir.TagHead))
	return b.Graph(h)
}

// resBlock is the ResNet block of the ResNet generator (Johnson et al. 2016, as in
// pix2pix's ResnetBlock): x + norm(conv(relu(norm(conv(x))))), both convolutions 3×3
// with the input's channels. Every node is tagged region.
func resBlock(b *ir.Builder, kind, name string, x ir.Value, region string) ir.Value {
	ch := 0 // a failed input has no shape; the builder has reported it
	if len(x.Shape) == 3 {
		ch = x.Shape[0]
	}
	h := b.Conv2d(name+".conv1", x, ch, 3, 1, 1, convOpts(kind, region)...)
	h = norm.Apply(b, kind, name+".norm1", h, region)
	h = b.ReLU(name+".act", h, ir.Tags(region))
	h = b.Conv2d(name+".conv2", h, ch, 3, 1, 1, convOpts(kind, region)...)
	h = norm.Apply(b, kind, name+".norm2", h, region)
	return b.Add(name+".add", x, h, ir.Tags(region))
}

// convOpts tags a convolution followed by a norm of kind, without a bias where the
// norm cancels it.
func convOpts(kind, region string) []ir.NodeOption {
	opts := []ir.NodeOption{ir.Tags(region)}
	if norm.CancelsBias(kind) {
		opts = append(opts, ir.NoBias())
	}
	return opts
}
