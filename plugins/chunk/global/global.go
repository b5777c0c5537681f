package global

import (
	"context"

	"dnw/plugins/chunk/internal/cut"
	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "chunk.global"

// GroupName is the name of the layout's one group.
const GroupName = "all"

// Global is the chunk.global chunker.
type Global struct{}

var _ sdk.Chunker = (*Global)(nil)

// New returns the plugin, for `sdk.Serve(global.New())` or the host's bundled registry.
func New() *Global { return &Global{} }

// Info describes chunk.global; it takes no options.
func (*Global) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindChunker, Version: "1.0.0",
		Doc: "all params concatenated in order into one vector (one group, \"all\") and cut into chunks of b; " +
			"only the final chunk is zero-padded, so chunks may mix layers.",
	}
}

// Layout puts every param, in order, into the one group "all" and cuts it into chunks
// of chunkSize. Param.Group is ignored.
func (*Global) Layout(ctx context.Context, params []sdk.Param, chunkSize int, opts sdk.Options) (sdk.ChunkLayout, error) {
	if err := cut.Check(ctx, ID, params, chunkSize, opts); err != nil {
		return sdk.ChunkLayout{}, err
	}
	all := cut.Group{Name: GroupName, Params: make([]int, len(params))}
	for i := range params {
		all.Params[i] = i
	}
	return cut.Layout(params, chunkSize, []cut.Group{all}), nil
}
