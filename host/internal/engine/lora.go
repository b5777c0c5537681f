package engine

import (
	"hash/fnv"
	"math/rand/v2"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/host/internal/lora"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// addLoRA creates the A and B nodes of every placed layer and decides what trains.
// Without a placement every base parameter trains.
func (m *Model) addLoRA(g ir.Graph, placement *sdk.Placement, seed uint64) error {
	if placement == nil {
		for _, p := range g.Params {
			m.Trainable = append(m.Trainable, m.Params[p.Name])
		}
		return nil
	}
	params, err := lora.Params(g, *placement)
	if err != nil {
		return err
	}
	for _, l := range placement.Layers {
		m.adapters[l.Node] = l
	}
	for _, p := range params {
		if base, isNorm := m.Params[p.Name]; isNorm { // a trained norm's scale or shift
			m.Trainable = append(m.Trainable, base)
			continue
		}
		data := loraInit(p, seed)
		n := G.NewTensor(m.G, tensor.Float32, len(p.Shape), G.WithShape(p.Shape...), G.WithName(p.Name),
			G.WithValue(tensor.New(tensor.WithShape(p.Shape...), tensor.WithBacking(data))))
		m.LoRA[p.Name] = n
		m.Trainable = append(m.Trainable, n)
	}
	return nil
}

func isDown(name string) bool { return strings.HasSuffix(name, ".lora_down") }

// loraInit is a LoRA tensor's initial values, on either device: A Kaiming-uniform
// from a stream of its own (seed and its name, so independent of the placement's
// order), B zero.
func loraInit(p sdk.Param, seed uint64) []float32 {
	data := make([]float32, p.Size())
	if isDown(p.Name) {
		h := fnv.New64a()
		h.Write([]byte(p.Name))
		lora.InitDown(data, p.Size()/p.Shape[0], rand.New(rand.NewPCG(seed, h.Sum64())))
	}
	return data
}

// adaptedWeight is W + (α/r)·B·A for the layer's weight node w (F, …), with A viewed as
// (r, in) and B as (F, r).
func (m *Model) adaptedWeight(node string, w *G.Node, l sdk.LoRALayer) (*G.Node, error) {
	a, b := m.LoRA[node+".lora_down"], m.LoRA[node+".lora_up"]
	ws := w.Shape()
	in := ws.TotalSize() / ws[0]
	a2, err := G.Reshape(a, tensor.Shape{l.Rank, in})
	if err != nil {
		return nil, err
	}
	b2, err := G.Reshape(b, tensor.Shape{ws[0], l.Rank})
	if err != nil {
		return nil, err
	}
	delta, err := G.Mul(b2, a2)
	if err != nil {
		return nil, err
	}
	scaled, err := G.Mul(delta, G.NewConstant(float32(l.Alpha/float64(l.Rank))))
	if err != nil {
		return nil, err
	}
	shaped, err := G.Reshape(scaled, ws.Clone())
	if err != nil {
		return nil, err
	}
	return G.Add(w, shaped)
}
