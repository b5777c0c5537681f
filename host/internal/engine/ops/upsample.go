package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// UpsampleNearest enlarges x (N, C, H, W) to (N, C, H·sh, W·sw) by nearest-neighbour
// sampling (kernels.UpsampleNearest); its gradient sums every sh×sw block of dy
// (kernels.UpsampleNearestBackward). The IR's upsample has sh = sw, its upsample1d
// sh = 1.
func UpsampleNearest(x *G.Node, sh, sw int) (*G.Node, error) {
	if sh < 1 || sw < 1 {
		return nil, fmt.Errorf("ops: upsample_nearest: scales %d×%d, need ≥ 1", sh, sw)
	}
	if xs := x.Shape(); len(xs) != 4 {
		return nil, fmt.Errorf("ops: upsample_nearest: x %v, need (N, C, H, W)", xs)
	}
	return G.ApplyOp(newResizeOp(upsampleNearest, sh, sw, false), x)
}
