package tape

import (
	"fmt"

	"dnw/host/internal/engine/ops"
	"dnw/host/internal/lora"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// Model is an IR graph compiled into a program for a fixed batch size, as
// engine.Model is for gorgonia: one tensor per IR value, parameters holding their
// values, built once and run many times.
type Model struct {
	Graph     ir.Graph
	Inputs    map[string]*Tensor // by IR input name, each (B, …)
	Outputs   []*Tensor          // the graph's outputs, in order
	Params    map[string]*Tensor // base parameters by IR name
	LoRA      map[string]*Tensor // LoRA tensors by the names lora.Params gives them
	Trainable []*Tensor          // what an optimizer updates, in the engine's order
	BatchNorm map[string]*BatchNormStats
	Dropout   map[string]*ops.DropoutState

	prog *program
}

// BatchNormStats is a batch_norm layer's running statistics in the backend's
// memory (ops.BatchNormState's, on the device).
type BatchNormStats struct {
	Momentum  float64
	Mean, Var *Tensor // (C)
}

// Options say how a graph compiles.
type Options struct {
	Batch int
	Seed  uint64 // node i's dropout stream is seeded by Seed + i, as the engine seeds it
	// Init fills a base parameter's initial values (engine.InitParam).
	Init func(dst []float32, p ir.Param) error
	// Placement puts LoRA on its layers (nil: none, and every base parameter trains);
	// LoRAInit gives a LoRA tensor's initial values.
	Placement *sdk.Placement
	LoRAInit  func(p sdk.Param) []float32
	// Inputs are inputs already in the program (another model's outputs), by name.
	Inputs map[string]*Tensor
	// Shared gives the parameters, LoRA tensors and batch_norm statistics: those of a
	// model being trained, for a frozen copy or an inference graph. Nothing of
	// Shared trains in this model's program.
	Shared *Model
	// Prefix names this model's tensors apart from another's in one program.
	Prefix string
}

// Compile builds g into a new program on be.
func Compile(be Backend, g ir.Graph, o Options) (*Model, error) {
	return compileInto(newProgram(be), g, o)
}

// compileInto builds g into the program p (after what p holds).
func compileInto(p *program, g ir.Graph, o Options) (*Model, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	m := &Model{Graph: g, Inputs: map[string]*Tensor{}, Params: map[string]*Tensor{}, LoRA: map[string]*Tensor{},
		BatchNorm: map[string]*BatchNormStats{}, Dropout: map[string]*ops.DropoutState{}, prog: p}
	values := map[string]*Tensor{}
	for _, in := range g.Inputs {
		t, given := o.Inputs[in.Name]
		if !given {
			t = p.alloc(o.Prefix+in.Name, append([]int{o.Batch}, in.Shape...))
		}
		m.Inputs[in.Name], values[in.Name] = t, t
	}
	if err := m.addParams(g, o); err != nil {
		return nil, err
	}
	adapters := map[string]sdk.LoRALayer{}
	if o.Placement != nil {
		for _, l := range o.Placement.Layers {
			adapters[l.Node] = l
		}
	}
	for i, n := range g.Nodes {
		s := &step{node: n, eps: float32(n.Attrs.Eps)}
		if s.eps == 0 {
			s.eps = ir.DefaultEps
		}
		for _, name := range n.Inputs {
			s.in = append(s.in, values[name])
		}
		s.par = make([]*Tensor, 2)
		for j, name := range n.Params {
			s.par[j] = m.Params[name]
		}
		if l, ok := adapters[n.Name]; ok {
			w, err := m.adapt(n.Name, s.par[0], l)
			if err != nil {
				return nil, fmt.Errorf("tape: graph %s: node %s: LoRA: %w", g.Name, n.Name, err)
			}
			s.par[0] = w
		}
		if err := m.prepare(s, o, o.Seed+uint64(i)); err != nil {
			return nil, fmt.Errorf("tape: graph %s: node %s (%s): %w", g.Name, n.Name, n.Op, err)
		}
		p.steps = append(p.steps, s)
		values[n.Name] = s.out
	}
	for _, name := range g.Outputs {
		m.Outputs = append(m.Outputs, values[name])
	}
	return m, nil
}

// addParams creates (or, with o.Shared, takes) the base parameters and LoRA
// tensors, and marks what trains: every base parameter without a placement; with
// one, LoRA's A and B and the norms the placement trains.
func (m *Model) addParams(g ir.Graph, o Options) error {
	p := m.prog
	if s := o.Shared; s != nil {
		m.Params, m.LoRA = s.Params, s.LoRA
		return nil
	}
	for _, par := range g.Params {
		t := p.alloc(o.Prefix+par.Name, par.Shape)
		data := make([]float32, t.Size())
		if err := o.Init(data, par); err != nil {
			return err
		}
		p.be.Upload(t.Data, data)
		m.Params[par.Name] = t
	}
	if o.Placement == nil {
		for _, par := range g.Params {
			m.train(m.Params[par.Name])
		}
		return nil
	}
	params, err := lora.Params(g, *o.Placement)
	if err != nil {
		return err
	}
	for _, par := range params {
		if base, isNorm := m.Params[par.Name]; isNorm { // a trained norm's scale or shift
			m.train(base)
			continue
		}
		t := p.alloc(o.Prefix+par.Name, par.Shape)
		p.be.Upload(t.Data, o.LoRAInit(par))
		m.LoRA[par.Name] = t
		m.train(t)
	}
	return nil
}

func (m *Model) train(t *Tensor) {
	m.Trainable = append(m.Trainable, t)
	m.prog.trainable[t] = true
}

// adapt adds a step computing the adapted weight W + (α/r)·B·A of a placed layer
// and returns its tensor.
func (m *Model) adapt(node string, w *Tensor, l sdk.LoRALayer) (*Tensor, error) {
	a, b := m.LoRA[node+".lora_down"], m.LoRA[node+".lora_up"]
	if a == nil || b == nil {
		return nil, fmt.Errorf("no LoRA tensors for %s", node)
	}
	in := w.Size() / w.Shape[0]
	if a.Size() != l.Rank*in || b.Size() != w.Shape[0]*l.Rank {
		return nil, fmt.Errorf("A has %d values and B %d, want %d×%d and %d×%d", a.Size(), b.Size(), l.Rank, in, w.Shape[0], l.Rank)
	}
	s := &step{node: ir.Node{Name: node + ".adapted", Op: opAdapt}, in: []*Tensor{w, a, b},
		rank: l.Rank, scale: float32(l.Alpha / float64(l.Rank))}
	s.out = m.prog.alloc(w.Name+".adapted", w.Shape)
	m.prog.steps = append(m.prog.steps, s)
	return s.out, nil
}

// SetTraining switches the program between training (batch statistics, dropout)
// and evaluation, as engine.Model.SetTraining.
func (m *Model) SetTraining(on bool) { m.prog.mode.Training = on }
