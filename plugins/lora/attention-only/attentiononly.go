package attentiononly

import (
	"context"
	"slices"

	"dnw/plugins/lora/internal/place"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// ID is the plugin's id.
const ID = "lora.attention-only"

var options = place.Options(false)

// AttentionOnly is the lora.attention-only placement.
type AttentionOnly struct{}

var _ sdk.LoRAPlacement = (*AttentionOnly)(nil)

// New returns the plugin, for `sdk.Serve(attentiononly.New())` or the host's bundled registry.
func New() *AttentionOnly { return &AttentionOnly{} }

// Info describes lora.attention-only and its options.
func (*AttentionOnly) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindLoRAPlacement, Version: "1.0.0",
		Doc: "LoRA on the attention projections only: linear nodes tagged transformer and attn.q, attn.k, " +
			"attn.v or attn.out (self- and cross-attention); norms frozen by default.",
		Options: options,
	}
}

// Place selects the linear nodes tagged transformer that carry an attention role tag.
// The roles are tags rather than read from the graph's wiring so that an architecture
// states them, and a projection stays one when a norm or reshape sits between it and
// the attention node.
func (*AttentionOnly) Place(ctx context.Context, g ir.Graph, opts sdk.Options) (sdk.Placement, error) {
	if err := ctx.Err(); err != nil {
		return sdk.Placement{}, err
	}
	o, err := place.Resolve(ID, options, opts)
	if err != nil {
		return sdk.Placement{}, err
	}
	return place.Select(ID, g, o, "linear node tagged transformer and attn.q, attn.k, attn.v or attn.out",
		func(n ir.Node) bool {
			return n.Op == ir.OpLinear && n.HasTag(ir.TagTransformer) && slices.ContainsFunc(ir.AttentionRoles, n.HasTag)
		})
}
