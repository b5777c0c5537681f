package engine

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"

	"dnw/host/internal/engine/ops"
	"dnw/host/internal/engine/tape"
	"dnw/host/internal/safetensors"
)

// Buffer name suffixes of a batch_norm layer's running statistics, as torch names them.
const (
	runningMean = ".running_mean"
	runningVar  = ".running_var"
)

// Tensors returns copies of the model's state as named float32 tensors: every base
// parameter by its IR name, every LoRA tensor by its name, and each batch_norm layer's
// running statistics as NODE.running_mean and NODE.running_var (torch's buffers). A
// safetensors file of them holds everything needed to run the model.
func (m *Model) Tensors() map[string]safetensors.Tensor {
	if m.dev != nil {
		return m.dev.model.Tensors()
	}
	ts := map[string]safetensors.Tensor{}
	for _, nodes := range []map[string]*G.Node{m.Params, m.LoRA} {
		for name, n := range nodes {
			ts[name] = safetensors.Tensor{Shape: slices.Clone([]int(n.Shape())), Data: slices.Clone(values(n))}
		}
	}
	for name, st := range m.BatchNorm {
		ts[name+runningMean] = safetensors.Tensor{Shape: []int{len(st.RunningMean)}, Data: slices.Clone(st.RunningMean)}
		ts[name+runningVar] = safetensors.Tensor{Shape: []int{len(st.RunningVar)}, Data: slices.Clone(st.RunningVar)}
	}
	return ts
}

// Load sets the model's state from tensors named as Tensors names them, in place (a
// graph sharing the weight tensors sees the new values). Every tensor of the model
// must be there with its shape, and nothing else — a checkpoint of another
// architecture or placement is an error naming the first difference — except that a
// LoRA model may load a base checkpoint: its LoRA tensors, absent, keep their values.
func (m *Model) Load(ts map[string]safetensors.Tensor) error {
	if m.dev != nil {
		return m.dev.model.Load(ts)
	}
	shapes, lora := map[string][]int{}, map[string]bool{}
	for name, t := range m.Tensors() {
		shapes[name] = t.Shape
		_, lora[name] = m.LoRA[name]
	}
	if err := tape.CheckState(shapes, lora, ts); err != nil {
		return err
	}
	for _, nodes := range []map[string]*G.Node{m.Params, m.LoRA} {
		for name, n := range nodes {
			if t, ok := ts[name]; ok {
				copy(values(n), t.Data)
			}
		}
	}
	for name, st := range m.BatchNorm {
		copy(st.RunningMean, ts[name+runningMean].Data)
		copy(st.RunningVar, ts[name+runningVar].Data)
	}
	return nil
}

// values is the float32 backing slice of a parameter node's value.
func values(n *G.Node) []float32 { return n.Value().Data().([]float32) }

// AdamState is what Adam needs to continue exactly: its step count and the moments
// of each node, by node name.
type AdamState struct {
	Step    int
	Moments map[string][2][]float32
}

// State returns a copy of the optimizer's state.
func (a *Adam) State() AdamState {
	s := AdamState{Step: a.step, Moments: map[string][2][]float32{}}
	for n, mv := range a.moments {
		s.Moments[n.Name()] = [2][]float32{slices.Clone(mv[0]), slices.Clone(mv[1])}
	}
	return s
}

// Restore continues from s for nodes (the ones Step is given).
func (a *Adam) Restore(nodes G.Nodes, s AdamState) error {
	a.step, a.moments = s.Step, map[*G.Node][2][]float32{}
	for _, n := range nodes {
		mv, ok := s.Moments[n.Name()]
		if !ok {
			if s.Step == 0 {
				continue
			}
			return fmt.Errorf("engine: Adam state has no moments for %s", n.Name())
		}
		if len(mv[0]) != n.Shape().TotalSize() || len(mv[1]) != len(mv[0]) {
			return fmt.Errorf("engine: Adam moments of %s have %d elements, the node %d", n.Name(), len(mv[0]), n.Shape().TotalSize())
		}
		a.moments[n] = [2][]float32{slices.Clone(mv[0]), slices.Clone(mv[1])}
	}
	return nil
}

// GANState is everything a GAN needs to continue training exactly: both models'
// tensors, both optimizers' states and the positions of the dropout streams.
type GANState struct {
	Gen, Disc         map[string]safetensors.Tensor
	GenAdam, DiscAdam AdamState
	Streams           map[string][]byte // by "gen/", "frozen/" or "disc/" + node name
}

// State returns a copy of the training state, for a checkpoint. It reads alike
// whichever device the GAN trains on.
func (g *GAN) State() (GANState, error) {
	s := GANState{Gen: g.Gen.Tensors(), Disc: g.Disc.Tensors(), Streams: map[string][]byte{}}
	s.GenAdam, s.DiscAdam = g.adamStates()
	for prefix, streams := range g.dropouts() {
		for name, d := range streams {
			b, err := d.MarshalBinary()
			if err != nil {
				return s, err
			}
			s.Streams[prefix+name] = b
		}
	}
	return s, nil
}

// dropouts are the dropout layers of the GAN's compiled models (generator, the
// discriminator's frozen copy, discriminator) by the prefix of their streams' names.
func (g *GAN) dropouts() map[string]map[string]*ops.DropoutState {
	if g.dev != nil {
		return g.dev.Dropouts()
	}
	return map[string]map[string]*ops.DropoutState{"gen/": g.Gen.Dropout, "frozen/": g.frozen.Dropout, "disc/": g.Disc.Dropout}
}

// adamStates are the optimizers' states, generator's then discriminator's.
func (g *GAN) adamStates() (AdamState, AdamState) {
	if g.dev != nil {
		return adamState(g.dev.GenOpt), adamState(g.dev.DiscOpt)
	}
	return g.genOpt.State(), g.discOpt.State()
}

// Restore continues from s, a State of a GAN of the same model and configuration.
func (g *GAN) Restore(s GANState) error {
	if err := g.Gen.Load(s.Gen); err != nil {
		return fmt.Errorf("generator: %w", err)
	}
	if err := g.Disc.Load(s.Disc); err != nil {
		return fmt.Errorf("discriminator: %w", err)
	}
	if err := g.restoreAdams(s.GenAdam, s.DiscAdam); err != nil {
		return err
	}
	for prefix, streams := range g.dropouts() {
		for name, d := range streams {
			b, ok := s.Streams[prefix+name]
			if !ok {
				return fmt.Errorf("engine: GAN state has no random stream for dropout %s%s", prefix, name)
			}
			if err := d.UnmarshalBinary(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// restoreAdams sets the optimizers' states.
func (g *GAN) restoreAdams(gen, disc AdamState) error {
	if g.dev != nil {
		if err := g.dev.GenOpt.Restore(g.dev.Gen.Trainable, gen.Step, gen.Moments); err != nil {
			return err
		}
		return g.dev.DiscOpt.Restore(g.dev.Disc.Trainable, disc.Step, disc.Moments)
	}
	if err := g.genOpt.Restore(g.Gen.Trainable, gen); err != nil {
		return err
	}
	return g.discOpt.Restore(g.Disc.Trainable, disc)
}
