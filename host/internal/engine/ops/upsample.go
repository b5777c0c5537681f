package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// UpsampleNearest enlarges x (N, C, H, W) to (N, C, H·scale, W·scale) by
// nearest-neighbour sampling (kernels.UpsampleNearest); its gradient sums every
// scale×scale block of dy (kernels.UpsampleNearestBackward).
func UpsampleNearest(x *G.Node, scale int) (*G.Node, error) {
	if scale < 1 {
		return nil, fmt.Errorf("ops: upsample_nearest: scale %d, need ≥ 1", scale)
	}
	if xs := x.Shape(); len(xs) != 4 {
		return nil, fmt.Errorf("ops: upsample_nearest: x %v, need (N, C, H, W)", xs)
	}
	return G.ApplyOp(newResizeOp(upsampleNearest, scale, false), x)
}
