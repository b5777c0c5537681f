package pluginhost

import (
	"dnw/plugins/arch/e2gan"
	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	"dnw/plugins/chunk/global"
	perlayer "dnw/plugins/chunk/per-layer"
	pertensor "dnw/plugins/chunk/per-tensor"
	allconv "dnw/plugins/lora/all-conv"
	attentiononly "dnw/plugins/lora/attention-only"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/plugins/schedule/cosine"
	"dnw/plugins/schedule/linear"
	scaledlinear "dnw/plugins/schedule/scaled-linear"
	"dnw/plugins/schedule/sigmoid"
	"dnw/plugins/text/hashgram"
	"dnw/plugins/text/minilm"
	"dnw/sdk"
)

// The plugins compiled into dnw, served by `dnw plugin serve ID`. A new built-in
// plugin is one line here.
func init() {
	for _, newPlugin := range []func() sdk.Plugin{
		func() sdk.Plugin { return e2gan.New() },
		func() sdk.Plugin { return pix2pixunet.New() },
		func() sdk.Plugin { return e2ganpaper.New() },
		func() sdk.Plugin { return allconv.New() },
		func() sdk.Plugin { return attentiononly.New() },
		func() sdk.Plugin { return perlayer.New() },
		func() sdk.Plugin { return global.New() },
		func() sdk.Plugin { return pertensor.New() },
		func() sdk.Plugin { return linear.New() },
		func() sdk.Plugin { return scaledlinear.New() },
		func() sdk.Plugin { return cosine.New() },
		func() sdk.Plugin { return sigmoid.New() },
		func() sdk.Plugin { return hashgram.New() },
		func() sdk.Plugin { return minilm.New() },
	} {
		register(newPlugin)
	}
}
