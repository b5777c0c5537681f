package engine

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/host/internal/engine/tape"
	"dnw/sdk/ir"
)

// Inference runs a model forward: a forward-only graph of the same IR graph in
// evaluation mode (no dropout; batch_norm with running statistics) that reads the
// weight tensors and running statistics of a model being trained, so it always sees
// the latest weights without copying them, and never touches the training graph's
// gradients.
type Inference struct {
	model  *Model
	vm     G.VM
	inputs map[string]*tensor.Dense

	dev *tape.Inference // set on a GPU: the fields above are then unused
}

// NewInference compiles g (the IR graph trained is compiled from, with its LoRA
// placement, if any) for batches of batch samples over trained's tensors. The graph
// must have one output.
func NewInference(g ir.Graph, batch int, trained *Model) (*Inference, error) {
	if trained.dev != nil {
		return newDeviceInference(g, batch, trained)
	}
	m, err := compile(g, batch, 0, into{placement: trained.placement, statsOf: trained})
	if err != nil {
		return nil, err
	}
	m.SetTraining(false)
	for _, pair := range []struct{ mine, theirs map[string]*G.Node }{{m.Params, trained.Params}, {m.LoRA, trained.LoRA}} {
		for name, n := range pair.mine {
			t, ok := pair.theirs[name]
			if !ok {
				return nil, fmt.Errorf("engine: inference: the trained model has no tensor %s", name)
			}
			if err := G.Let(n, t.Value()); err != nil {
				return nil, err
			}
		}
	}
	if len(m.Outputs) != 1 {
		return nil, fmt.Errorf("engine: inference: graph %s has %d outputs, want 1", g.Name, len(m.Outputs))
	}
	f := &Inference{model: m, inputs: map[string]*tensor.Dense{}}
	for name, in := range m.Inputs {
		v := tensor.New(tensor.WithShape(in.Shape().Clone()...), tensor.Of(tensor.Float32))
		if err := G.Let(in, v); err != nil {
			return nil, err
		}
		f.inputs[name] = v
	}
	f.vm = G.NewTapeMachine(m.G)
	return f, nil
}

// Run computes the output for a batch of every input (each (B, …), by input name) and
// returns a copy of it.
func (f *Inference) Run(inputs map[string][]float32) ([]float32, error) {
	if f.dev != nil {
		return f.dev.Run(inputs)
	}
	if err := copyInputs(f.inputs, inputs); err != nil {
		return nil, fmt.Errorf("engine: inference: %w", err)
	}
	defer f.vm.Reset()
	if err := f.vm.RunAll(); err != nil {
		return nil, err
	}
	return slices.Clone(f.model.Outputs[0].Value().Data().([]float32)), nil
}

// Close releases the machine.
func (f *Inference) Close() {
	if f.dev != nil {
		f.dev.Close()
		return
	}
	closeMachine(f.vm)
}

// copyInputs copies each input's values into its tensor, after tape.CheckInputs:
// every input must be given, with its size, and nothing else.
func copyInputs(dst map[string]*tensor.Dense, src map[string][]float32) error {
	shapes := map[string][]int{}
	for name, t := range dst {
		shapes[name] = t.Shape()
	}
	if err := tape.CheckInputs(shapes, src); err != nil {
		return err
	}
	for name, t := range dst {
		copy(t.Data().([]float32), src[name])
	}
	return nil
}

// Generator runs an image-to-image generator forward: an Inference of a graph with
// one input, named source.
type Generator struct{ *Inference }

// NewGenerator compiles g for batches of batch samples over trained's tensors.
func NewGenerator(g ir.Graph, batch int, trained *Model) (*Generator, error) {
	f, err := NewInference(g, batch, trained)
	if err != nil {
		return nil, err
	}
	if names := f.inputNames(); len(names) != 1 || names[0] != "source" {
		f.Close()
		return nil, fmt.Errorf("engine: generator: want one input named source, graph %s has %d inputs", g.Name, len(f.inputNames()))
	}
	return &Generator{f}, nil
}

// Run translates a batch of sources (B, C, H, W) and returns the outputs (a copy).
func (g *Generator) Run(source []float32) ([]float32, error) {
	return g.Inference.Run(map[string][]float32{"source": source})
}
