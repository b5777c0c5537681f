package tape

import "fmt"

// Adam is engine.Adam on the backend: torch.optim.Adam(W) over the trainable
// tensors, with the moments in the backend's memory.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	WeightDecay           float64

	step    int
	moments map[*Tensor][2]Buffer
	prog    *program
}

func newAdam(p *program, lr, beta1 float64) *Adam {
	return &Adam{LR: lr, Beta1: beta1, Beta2: 0.999, Eps: 1e-8, moments: map[*Tensor][2]Buffer{}, prog: p}
}

// Step updates every tensor from the gradient of the program's last backward
// pass; a tensor that got none (the loss does not reach it) updates with a zero
// gradient, as the engine's, whose machine leaves it at zero.
func (a *Adam) Step(ts []*Tensor) {
	a.step++
	be := a.prog.be
	for _, t := range ts {
		g := a.prog.gradOf(t)
		if g == nil {
			g = t.grad
			be.Fill(g, 0)
		}
		mv, ok := a.moments[t]
		if !ok {
			mv = [2]Buffer{a.prog.buffer(t.Size()), a.prog.buffer(t.Size())}
			a.moments[t] = mv
		}
		be.AdamW(t.Data, mv[0], mv[1], g, a.step, a.LR, a.Beta1, a.Beta2, a.Eps, a.WeightDecay)
	}
}

// Moments returns the step count and a copy of each tensor's moments by its name
// (engine.AdamState's content).
func (a *Adam) Moments() (int, map[string][2][]float32) {
	out := map[string][2][]float32{}
	for t, mv := range a.moments {
		out[t.Name] = [2][]float32{download(a.prog.be, mv[0]), download(a.prog.be, mv[1])}
	}
	return a.step, out
}

// Restore continues from Moments' result for the tensors ts.
func (a *Adam) Restore(ts []*Tensor, step int, moments map[string][2][]float32) error {
	a.step = step
	for _, t := range ts {
		mv, ok := moments[t.Name]
		if !ok {
			if step == 0 {
				continue
			}
			return fmt.Errorf("tape: Adam state has no moments for %s", t.Name)
		}
		if len(mv[0]) != t.Size() || len(mv[1]) != t.Size() {
			return fmt.Errorf("tape: Adam moments of %s have %d elements, the tensor %d", t.Name, len(mv[0]), t.Size())
		}
		m, ok := a.moments[t]
		if !ok {
			m = [2]Buffer{a.prog.buffer(t.Size()), a.prog.buffer(t.Size())}
			a.moments[t] = m
		}
		a.prog.be.Upload(m[0], mv[0])
		a.prog.be.Upload(m[1], mv[1])
	}
	return nil
}

// download copies a buffer to a new host slice.
func download(be Backend, b Buffer) []float32 {
	out := make([]float32, b.Len())
	be.Download(out, b)
	return out
}

// EMA is engine.EMA on the backend: an exponential moving average of the
// trainable tensors with TensorFlow's warm-up, d_k = min(Decay, (1 + k)/(10 + k)).
type EMA struct {
	Decay   float64
	Updates int
	shadow  map[*Tensor]Buffer
	model   *Model
}

// NewEMA starts the average at m's trainable tensors.
func NewEMA(m *Model, decay float64) *EMA {
	e := &EMA{Decay: decay, shadow: map[*Tensor]Buffer{}, model: m}
	for _, t := range m.Trainable {
		b := m.prog.buffer(t.Size())
		m.prog.be.Copy(b, 0, t.Data)
		e.shadow[t] = b
	}
	return e
}

// Update moves the average toward the tensors' current values.
func (e *EMA) Update() {
	e.Updates++
	d := float32(min(e.Decay, float64(1+e.Updates)/float64(10+e.Updates)))
	for t, a := range e.shadow {
		e.model.prog.be.EMA(a, t.Data, d)
	}
}

// Averages returns a copy of the average of each trainable tensor, by its name.
func (e *EMA) Averages() map[string][]float32 {
	out := map[string][]float32{}
	for t, a := range e.shadow {
		out[t.Name] = download(e.model.prog.be, a)
	}
	return out
}

// SetAverages sets the averages by tensor name (a checkpoint's) and the update count.
func (e *EMA) SetAverages(avg map[string][]float32, updates int) error {
	for t, a := range e.shadow {
		v, ok := avg[t.Name]
		if !ok || len(v) != t.Size() {
			return fmt.Errorf("tape: regression state has no average of %s", t.Name)
		}
		e.model.prog.be.Upload(a, v)
	}
	e.Updates = updates
	return nil
}
