package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// AvgPool averages the non-overlapping scale×scale windows of x (N, C, H, W) into
// (N, C, H/scale, W/scale) (kernels.AvgPool, stride = window = scale; scale must divide
// H and W); its gradient spreads dy/scale² over every window (kernels.AvgPoolBackward).
// gorgonia's own AveragePool2D has a wrong backward pass (docs/dependencies.md).
func AvgPool(x *G.Node, scale int) (*G.Node, error) {
	if scale < 1 {
		return nil, fmt.Errorf("ops: avg_pool: scale %d, need ≥ 1", scale)
	}
	if xs := x.Shape(); len(xs) != 4 || xs[2]%scale != 0 || xs[3]%scale != 0 {
		return nil, fmt.Errorf("ops: avg_pool: x %v, need (N, C, H, W) with H and W multiples of scale %d", xs, scale)
	}
	return G.ApplyOp(newResizeOp(avgPool, scale, scale, false), x)
}
