package lora

import (
	"dnw/sdk"
	"dnw/sdk/ir"
)

// Layer is one adapted node of a placement and what it adds to the LoRA vector: what
// the run log and the report list, so that a reader sees where LoRA went and what
// each place costs.
type Layer struct {
	Node  string
	Op    ir.Op
	Rank  int
	Alpha float64
	// Weights is the layer's share of the LoRA vector: A and B, and the scale and
	// shift of the norm reading its output when the placement trains norms.
	Weights int
}

// Layers lists the placed layers of p on g, in placement order, with their sizes.
// It fails where Params does: on a placement that names a node LoRA cannot adapt.
func Layers(g ir.Graph, p sdk.Placement) ([]Layer, error) {
	params, err := Params(g, p)
	if err != nil {
		return nil, err
	}
	weights := map[string]int{} // by group, which is the placed node
	for _, q := range params {
		weights[q.Group] += q.Size()
	}
	out := make([]Layer, len(p.Layers))
	for i, l := range p.Layers {
		n, _ := g.Node(l.Node) // Params checked that it exists
		out[i] = Layer{Node: l.Node, Op: n.Op, Rank: l.Rank, Alpha: l.Alpha, Weights: weights[l.Node]}
	}
	return out, nil
}
