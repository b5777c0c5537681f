package ir

import "slices"

// This file holds read-only queries over a graph, for placements and the host.

// Node returns the node named name.
func (g Graph) Node(name string) (Node, bool) {
	i := slices.IndexFunc(g.Nodes, func(n Node) bool { return n.Name == name })
	if i < 0 {
		return Node{}, false
	}
	return g.Nodes[i], true
}

// Param returns the parameter named name.
func (g Graph) Param(name string) (Param, bool) {
	i := slices.IndexFunc(g.Params, func(p Param) bool { return p.Name == name })
	if i < 0 {
		return Param{}, false
	}
	return g.Params[i], true
}

// NumParams is the number of trainable weights: the sum of the sizes of all
// parameters (batch-norm running statistics are host state and not counted).
func (g Graph) NumParams() int {
	total := 0
	for _, p := range g.Params {
		total += p.Size()
	}
	return total
}

// Size is the number of weights of the parameter.
func (p Param) Size() int {
	n := 1
	for _, d := range p.Shape {
		n *= d
	}
	return n
}

// HasTag reports whether the node carries tag.
func (n Node) HasTag(tag string) bool { return slices.Contains(n.Tags, tag) }

// Tagged returns the nodes that carry tag, in graph order.
func (g Graph) Tagged(tag string) []Node {
	var out []Node
	for _, n := range g.Nodes {
		if n.HasTag(tag) {
			out = append(out, n)
		}
	}
	return out
}
