package lora

import (
	"fmt"

	"dnw/host/internal/safetensors"

	"dnw/sdk"
	"dnw/sdk/ir"
)

// Params lists the trainable parameters of a placement on g, in the order of the LoRA
// vector: for each placed layer, in placement order, its down A and up B, then — when
// the placement trains norms — the scale and shift of the norm that reads the layer's
// output. Each layer is one group (the paper's per-layer grouping rule).
func Params(g ir.Graph, p sdk.Placement) ([]sdk.Param, error) {
	var out []sdk.Param
	seen := map[string]bool{}
	for _, l := range p.Layers {
		if seen[l.Node] {
			return nil, fmt.Errorf("lora: node %s is placed twice", l.Node)
		}
		seen[l.Node] = true
		n, ok := g.Node(l.Node)
		if !ok {
			return nil, fmt.Errorf("lora: graph %s has no node %s", g.Name, l.Node)
		}
		if l.Rank < 1 {
			return nil, fmt.Errorf("lora: node %s: rank %d", l.Node, l.Rank)
		}
		if n.Op != ir.OpConv2d && n.Op != ir.OpLinear {
			return nil, fmt.Errorf("lora: node %s is a %s; LoRA adapts conv2d and linear nodes", l.Node, n.Op)
		}
		if len(n.Params) == 0 {
			return nil, fmt.Errorf("lora: node %s has no weight", l.Node)
		}
		w, ok := g.Param(n.Params[0])
		if !ok {
			return nil, fmt.Errorf("lora: node %s has no weight", l.Node)
		}
		r := l.Rank
		switch n.Op {
		case ir.OpConv2d: // W (F, C, K, K)
			f, c, k := w.Shape[0], w.Shape[1], w.Shape[2]
			out = append(out,
				sdk.Param{Name: l.Node + ".lora_down", Shape: []int{r, c, k, k}, Group: l.Node},
				sdk.Param{Name: l.Node + ".lora_up", Shape: []int{f, r, 1, 1}, Group: l.Node})
		case ir.OpLinear: // W (F, D)
			f, d := w.Shape[0], w.Shape[1]
			out = append(out,
				sdk.Param{Name: l.Node + ".lora_down", Shape: []int{r, d}, Group: l.Node},
				sdk.Param{Name: l.Node + ".lora_up", Shape: []int{f, r}, Group: l.Node})
		}
		if p.TrainNorms {
			for _, norm := range normsReading(g, l.Node) {
				for _, name := range norm.Params {
					np, _ := g.Param(name)
					out = append(out, sdk.Param{Name: name, Shape: np.Shape, Group: l.Node})
				}
			}
		}
	}
	return out, nil
}

// normsReading returns the norm nodes whose input is node's output.
func normsReading(g ir.Graph, node string) []ir.Node {
	var out []ir.Node
	for _, n := range g.Nodes {
		switch n.Op {
		case ir.OpGroupNorm, ir.OpInstanceNorm, ir.OpBatchNorm, ir.OpLayerNorm:
			if len(n.Inputs) > 0 && n.Inputs[0] == node {
				out = append(out, n)
			}
		}
	}
	return out
}

// Size is the number of weights of the LoRA vector.
func Size(params []sdk.Param) int {
	n := 0
	for _, p := range params {
		n += p.Size()
	}
	return n
}

// Tensors splits a LoRA vector into its parameters' tensors, by name: the inverse of
// concatenating them in params order.
func Tensors(params []sdk.Param, vector []float32) map[string]safetensors.Tensor {
	out := make(map[string]safetensors.Tensor, len(params))
	off := 0
	for _, p := range params {
		out[p.Name] = safetensors.Tensor{Shape: p.Shape, Data: vector[off : off+p.Size()]}
		off += p.Size()
	}
	return out
}
