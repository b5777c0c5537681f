package tape

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"dnw/sdk/ir"
)

// Inference runs a model forward in evaluation mode over the tensors of a model
// being trained (engine.Inference on the backend): it always sees the latest
// weights, with nothing copied.
type Inference struct {
	model *Model
	out   []float32
}

// NewInference compiles g (the graph trained was compiled from) for batches of
// batch samples over trained's tensors. The graph must have one output.
func NewInference(g ir.Graph, batch int, trained *Model, o Options) (*Inference, error) {
	o.Batch, o.Shared, o.Inputs, o.Prefix = batch, trained, nil, ""
	m, err := Compile(trained.prog.be, g, o)
	if err != nil {
		return nil, err
	}
	m.SetTraining(false)
	if len(m.Outputs) != 1 {
		m.prog.close()
		return nil, fmt.Errorf("engine: inference: graph %s has %d outputs, want 1", g.Name, len(m.Outputs))
	}
	return &Inference{model: m, out: make([]float32, m.Outputs[0].Size())}, nil
}

// Run computes the output for a batch of every input (each (B, …), by name) and
// returns a copy of it.
func (f *Inference) Run(inputs map[string][]float32) ([]float32, error) {
	if err := upload(f.model, inputs); err != nil {
		return nil, fmt.Errorf("engine: inference: %w", err)
	}
	f.model.prog.forward()
	f.model.prog.be.Download(f.out, f.model.Outputs[0].Data)
	if err := f.model.prog.sync(); err != nil {
		return nil, err
	}
	return slices.Clone(f.out), nil
}

// Close frees the inference's buffers (not the trained model's).
func (f *Inference) Close() { f.model.prog.close() }

// upload copies each input's values into its tensor, after CheckInputs.
func upload(m *Model, src map[string][]float32) error {
	shapes := map[string][]int{}
	for name, t := range m.Inputs {
		shapes[name] = t.Shape
	}
	if err := CheckInputs(shapes, src); err != nil {
		return err
	}
	for name, t := range m.Inputs {
		m.prog.be.Upload(t.Data, src[name])
	}
	return nil
}

// CheckInputs checks a batch fed to a graph whose inputs have the given shapes
// (both engines' inputs): every input given, with its size, and nothing else.
func CheckInputs(shapes map[string][]int, src map[string][]float32) error {
	for name := range src {
		if _, ok := shapes[name]; !ok {
			return fmt.Errorf("the graph has no input %s (its inputs: %s)", name, strings.Join(slices.Sorted(maps.Keys(shapes)), ", "))
		}
	}
	for name, shape := range shapes {
		v, ok := src[name]
		if !ok {
			return fmt.Errorf("input %s is not given", name)
		}
		if len(v) != size(shape) {
			return fmt.Errorf("input %s has %d values, want %d (shape %v)", name, len(v), size(shape), shape)
		}
	}
	return nil
}

// InputNames lists the graph's inputs, sorted.
func (f *Inference) InputNames() []string { return slices.Sorted(maps.Keys(f.model.Inputs)) }
