package tape

import "sync/atomic"

// Tensor is a value of a plan: an input, a parameter or a node's output, with the
// batch dimension first, its data in the backend's memory and, when a program
// differentiates through it, a gradient of the same shape.
type Tensor struct {
	Name  string
	Shape []int
	Data  Buffer
	grad  Buffer
	pass  uint64 // the backward pass that first wrote grad (passes are numbered across all programs)
}

// Size is the number of elements.
func (t *Tensor) Size() int { return size(t.Shape) }

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// passes numbers backward passes. A tensor shared by two programs (the
// discriminator's weights in the generator's step and in its own) is written by
// either, so a pass number must be unique across programs.
var passes atomic.Uint64
