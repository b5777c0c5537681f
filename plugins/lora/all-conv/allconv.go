package allconv

import (
	"context"

	"dnw/plugins/lora/internal/place"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// ID is the plugin's id.
const ID = "lora.all-conv"

var options = place.Options(false)

// AllConv is the lora.all-conv placement.
type AllConv struct{}

var _ sdk.LoRAPlacement = (*AllConv)(nil)

// New returns the plugin, for `sdk.Serve(allconv.New())` or the host's bundled registry.
func New() *AllConv { return &AllConv{} }

// Info describes lora.all-conv and its options.
func (*AllConv) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindLoRAPlacement, Version: "1.0.0",
		Doc:     "LoRA on every conv2d node (linear nodes are left alone); norms frozen by default.",
		Options: options,
	}
}

// Place selects every conv2d node.
func (*AllConv) Place(ctx context.Context, g ir.Graph, opts sdk.Options) (sdk.Placement, error) {
	if err := ctx.Err(); err != nil {
		return sdk.Placement{}, err
	}
	o, err := place.Resolve(ID, options, opts)
	if err != nil {
		return sdk.Placement{}, err
	}
	return place.Select(ID, g, o, "conv2d node", func(n ir.Node) bool { return n.Op == ir.OpConv2d })
}
