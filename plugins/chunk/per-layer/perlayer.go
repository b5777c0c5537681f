package perlayer

import (
	"context"
	"fmt"

	"dnw/plugins/chunk/internal/cut"
	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "chunk.per-layer"

// PerLayer is the chunk.per-layer chunker.
type PerLayer struct{}

var _ sdk.Chunker = (*PerLayer)(nil)

// New returns the plugin, for `sdk.Serve(perlayer.New())` or the host's bundled registry.
func New() *PerLayer { return &PerLayer{} }

// Info describes chunk.per-layer; it takes no options.
func (*PerLayer) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindChunker, Version: "1.0.0",
		Doc: "Gong et al. 2024 §3.2: params grouped by layer (Param.Group, in order of first appearance), " +
			"each layer's weights concatenated and cut into chunks of b, the last chunk of each layer zero-padded; " +
			"a chunk never mixes layers.",
	}
}

// Layout groups params by Group in order of first appearance (a group's params keep
// their order, whether adjacent or not) and cuts each group into chunks of chunkSize.
// A param without a Group is an error: the rule needs every param's layer.
func (*PerLayer) Layout(ctx context.Context, params []sdk.Param, chunkSize int, opts sdk.Options) (sdk.ChunkLayout, error) {
	if err := cut.Check(ctx, ID, params, chunkSize, opts); err != nil {
		return sdk.ChunkLayout{}, err
	}
	var groups []cut.Group
	index := map[string]int{} // group name → index in groups
	for i, p := range params {
		if p.Group == "" {
			return sdk.ChunkLayout{}, fmt.Errorf("%s: param %d (%s) has no group; per-layer chunking needs each param's layer", ID, i, p.Name)
		}
		g, ok := index[p.Group]
		if !ok {
			g = len(groups)
			index[p.Group] = g
			groups = append(groups, cut.Group{Name: p.Group})
		}
		groups[g].Params = append(groups[g].Params, i)
	}
	return cut.Layout(params, chunkSize, groups), nil
}
