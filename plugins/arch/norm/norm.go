package norm

import (
	"fmt"

	"dnw/sdk/ir"
)

// Kinds are the accepted values of an architecture's `norm` option.
var Kinds = []string{"group", "instance", "batch", "layer"}

// Tag is carried by every norm node an architecture builds, so the host can find the
// norms a placement's TrainNorms refers to.
const Tag = ir.TagNorm

// maxGroups is Wu & He's default number of groups (Group Normalization, ECCV 2018).
const maxGroups = 32

// minPerGroup keeps at least 4 channels in a group: Wu & He's Table 3 shows the error
// rising as groups shrink to 2 channels (25.6%) and 1 channel, i.e. instance norm
// (28.4%), against 24.1–24.8% from 4 to 64 channels per group. Narrow layers (32
// channels at E2GAN's default width) would otherwise become instance norms.
const minPerGroup = 4

// Apply adds a norm of the given kind over an image x (C, H, W) and returns its
// output. The node is named name and tagged Tag plus tags:
//
//   - "group": group_norm with Groups(C) groups;
//   - "instance": instance_norm (per channel, over H×W);
//   - "batch": batch_norm (per channel, over the batch and H×W), pix2pix's choice;
//   - "layer": group_norm with a single group, which normalizes each sample over
//     (C, H, W) with per-channel scale and shift (PyTorch's GroupNorm(1, C), the usual
//     layer norm of convolutional features; the IR's layer_norm is for tokens).
//
// kind must be one of Kinds (options are resolved against the Enum first); another
// value is a programmer error and panics.
func Apply(b *ir.Builder, kind, name string, x ir.Value, tags ...string) ir.Value {
	t := ir.Tags(append([]string{Tag}, tags...)...)
	switch kind {
	case "group":
		return b.GroupNorm(name, x, Groups(channels(x)), t)
	case "instance":
		return b.InstanceNorm(name, x, t)
	case "batch":
		return b.BatchNorm(name, x, t)
	case "layer":
		return b.GroupNorm(name, x, 1, t)
	}
	panic(fmt.Sprintf("norm: unknown kind %q (want one of %v)", kind, Kinds))
}

// CancelsBias reports whether a norm of this kind removes a per-channel constant, so
// that the convolution before it needs no bias (pix2pix drops the bias before its
// batch norm). Batch and instance norm subtract a per-channel mean; group and layer
// norm subtract a mean over several channels, which keeps the differences between
// the channels' biases.
func CancelsBias(kind string) bool { return kind == "batch" || kind == "instance" }

// Groups is the number of groups used for c channels: the largest divisor of c that
// is at most 32 and leaves at least 4 channels per group (1 if c < 8).
func Groups(c int) int {
	for g := min(maxGroups, c/minPerGroup); g > 1; g-- {
		if c%g == 0 {
			return g
		}
	}
	return 1
}

// channels is the C of an image value; 0 (which the builder then reports) if the
// value is not an image.
func channels(x ir.Value) int {
	if len(x.Shape) != 3 {
		return 0
	}
	return x.Shape[0]
}
