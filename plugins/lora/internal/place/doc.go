// Package place holds what the bundled LoRA placements share: the rank, alpha and
// train_norms options, and turning a node selection into an sdk.Placement, with the
// error for a selection that is empty.
package place
