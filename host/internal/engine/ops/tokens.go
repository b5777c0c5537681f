package ops

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The token ops of the IR, composed from gorgonia's own reshape and transpose
// (gradient-checked in builtins_test.go).

// ToTokens turns an image batch x (B, C, H, W) into tokens (B, H·W, C).
func ToTokens(x *G.Node) (*G.Node, error) {
	s := x.Shape()
	flat, err := G.Reshape(x, tensor.Shape{s[0], s[1], s[2] * s[3]})
	if err != nil {
		return nil, err
	}
	return G.Transpose(flat, 0, 2, 1)
}

// FromTokens turns tokens x (B, H·W, C) back into an image batch (B, C, H, W).
func FromTokens(x *G.Node, height, width int) (*G.Node, error) {
	s := x.Shape()
	t, err := G.Transpose(x, 0, 2, 1)
	if err != nil {
		return nil, err
	}
	return G.Reshape(t, tensor.Shape{s[0], s[2], height, width})
}
