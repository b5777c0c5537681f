package engine

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/sdk/ir"
)

// Generator runs a generator forward for inference: a forward-only graph of the same
// IR graph in evaluation mode (no dropout; batch_norm with running statistics) that
// reads the weight tensors and running statistics of a model being trained, so it
// always sees the latest weights without copying them, and never touches the
// training graph's gradients.
type Generator struct {
	model  *Model
	vm     G.VM
	source *tensor.Dense
}

// NewGenerator compiles g (the IR graph trained is compiled from, with its LoRA
// placement, if any) for batches of batch samples over trained's tensors.
func NewGenerator(g ir.Graph, batch int, trained *Model) (*Generator, error) {
	m, err := compile(g, batch, 0, into{placement: trained.placement, statsOf: trained})
	if err != nil {
		return nil, err
	}
	m.SetTraining(false)
	for _, pair := range []struct{ mine, theirs map[string]*G.Node }{{m.Params, trained.Params}, {m.LoRA, trained.LoRA}} {
		for name, n := range pair.mine {
			t, ok := pair.theirs[name]
			if !ok {
				return nil, fmt.Errorf("engine: generator: the trained model has no tensor %s", name)
			}
			if err := G.Let(n, t.Value()); err != nil {
				return nil, err
			}
		}
	}
	in, ok := m.Inputs["source"]
	if !ok || len(m.Inputs) != 1 || len(m.Outputs) != 1 {
		return nil, fmt.Errorf("engine: generator: want one input named source and one output, graph %s has %d inputs and %d outputs", g.Name, len(m.Inputs), len(m.Outputs))
	}
	src := tensor.New(tensor.WithShape(in.Shape().Clone()...), tensor.Of(tensor.Float32))
	if err := G.Let(in, src); err != nil {
		return nil, err
	}
	return &Generator{model: m, vm: G.NewTapeMachine(m.G), source: src}, nil
}

// Run translates a batch of sources (B, C, H, W) and returns the outputs (a copy).
func (g *Generator) Run(source []float32) ([]float32, error) {
	dst := g.source.Data().([]float32)
	if len(source) != len(dst) {
		return nil, fmt.Errorf("engine: generator: %d source values, want %d (shape %v)", len(source), len(dst), g.source.Shape())
	}
	copy(dst, source)
	defer g.vm.Reset()
	if err := g.vm.RunAll(); err != nil {
		return nil, err
	}
	return slices.Clone(g.model.Outputs[0].Value().Data().([]float32)), nil
}

// Close releases the machine.
func (g *Generator) Close() { g.vm.Close() }
