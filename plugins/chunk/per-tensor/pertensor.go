package pertensor

import (
	"context"
	"fmt"

	"dnw/plugins/chunk/internal/cut"
	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "chunk.per-tensor"

// PerTensor is the chunk.per-tensor chunker.
type PerTensor struct{}

var _ sdk.Chunker = (*PerTensor)(nil)

// New returns the plugin, for `sdk.Serve(pertensor.New())` or the host's bundled registry.
func New() *PerTensor { return &PerTensor{} }

// Info describes chunk.per-tensor; it takes no options.
func (*PerTensor) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindChunker, Version: "1.0.0",
		Doc: "each param its own group, named after it, cut into chunks of b with its last chunk zero-padded; " +
			"a chunk never mixes tensors.",
	}
}

// Layout makes one group per param, in order, named after the param (or "#i" for a
// param i without a name), and cuts each into chunks of chunkSize. Param.Group is
// ignored.
func (*PerTensor) Layout(ctx context.Context, params []sdk.Param, chunkSize int, opts sdk.Options) (sdk.ChunkLayout, error) {
	if err := cut.Check(ctx, ID, params, chunkSize, opts); err != nil {
		return sdk.ChunkLayout{}, err
	}
	groups := make([]cut.Group, len(params))
	for i, p := range params {
		name := p.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i)
		}
		groups[i] = cut.Group{Name: name, Params: []int{i}}
	}
	return cut.Layout(params, chunkSize, groups), nil
}
