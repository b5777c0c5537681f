package tape

import (
	"fmt"

	"dnw/host/internal/engine/ops"
)

// program is a plan: steps that run forward in order and backward in reverse,
// over tensors allocated once. Several models compile into one program when one
// feeds the other (a generator and the frozen discriminator that judges it).
type program struct {
	be        Backend
	steps     []*step
	owned     []Buffer         // what Close frees
	trainable map[*Tensor]bool // parameters this program's optimizer updates
	needs     map[*Tensor]bool // tensors whose gradient the backward pass computes
	mode      *ops.Mode        // training: batch_norm uses batch statistics and dropout drops
	pass      uint64           // the current backward pass
	scratch   map[int][]Buffer // free gradient buffers by length
	lent      map[Buffer]bool  // scratch buffers handed out in this step's backward
}

func newProgram(be Backend) *program {
	return &program{be: be, trainable: map[*Tensor]bool{}, needs: map[*Tensor]bool{},
		mode: &ops.Mode{Training: true}, scratch: map[int][]Buffer{}, lent: map[Buffer]bool{}}
}

// alloc returns a new zeroed tensor that the program owns.
func (p *program) alloc(name string, shape []int) *Tensor {
	t := &Tensor{Name: name, Shape: append([]int(nil), shape...)}
	t.Data = p.buffer(size(shape))
	return t
}

func (p *program) buffer(n int) Buffer {
	b := p.be.Alloc(n)
	p.owned = append(p.owned, b)
	return b
}

// differentiate decides which tensors need gradients — the trainable parameters
// and every step output that depends on one (a frozen discriminator's steps read
// the generator's output, so they pass its gradient on) — and allocates them.
func (p *program) differentiate() {
	for t := range p.trainable {
		p.needs[t] = true
	}
	for _, s := range p.steps {
		for _, t := range s.reads() {
			if p.needs[t] {
				p.needs[s.out] = true
			}
		}
	}
	for t := range p.needs {
		if t.grad == nil {
			t.grad = p.buffer(t.Size())
		}
	}
}

// forward runs every step.
func (p *program) forward() {
	for _, s := range p.steps {
		s.forward(p)
	}
}

// beginBackward starts a backward pass: the loss writes its outputs' gradients
// (with gradInto and commit) and then backward runs.
func (p *program) beginBackward() { p.pass = passes.Add(1) }

// backward runs the backward step of every step whose output got a gradient in
// this pass, in reverse order.
func (p *program) backward() {
	for i := len(p.steps) - 1; i >= 0; i-- {
		s := p.steps[i]
		if s.out.pass == p.pass {
			s.backward(p)
		}
	}
}

// wants reports whether this pass computes t's gradient.
func (p *program) wants(t *Tensor) bool { return t != nil && p.needs[t] }

// gradInto returns where to write a contribution to t's gradient: t's own buffer
// for the first contribution of the pass, else a scratch buffer that commit then
// adds in. Call commit after the kernel that writes it.
func (p *program) gradInto(t *Tensor) Buffer {
	if t.pass != p.pass {
		t.pass = p.pass
		return t.grad
	}
	return p.take(t.Size())
}

// commit adds a contribution written into a scratch buffer of gradInto to t's
// gradient; for t's own buffer there is nothing left to do.
func (p *program) commit(t *Tensor, b Buffer) {
	if p.lent[b] {
		p.be.Axpy(t.grad, 1, b)
		p.give(b)
	}
}

// into runs kernel into t's gradient, if the program wants it.
func (p *program) into(t *Tensor, kernel func(d Buffer)) {
	if !p.wants(t) {
		return
	}
	d := p.gradInto(t)
	kernel(d)
	p.commit(t, d)
}

// intoOpt runs a kernel that writes a weight's gradient and, optionally, its
// bias's: the weight's buffer is always given (a scratch one if the weight is
// frozen), the bias's only if the program wants it.
func (p *program) intoOpt(w, b *Tensor, kernel func(dw, db Buffer)) {
	dw := p.gradOrTemp(w)
	var db Buffer
	if p.wants(b) {
		db = p.gradInto(b)
	}
	kernel(dw, db)
	p.commitOrDrop(w, dw)
	if db != nil {
		p.commit(b, db)
	}
}

// gradOrTemp is gradInto for a wanted tensor, else a scratch buffer of its size
// for a kernel that writes every gradient it computes.
func (p *program) gradOrTemp(t *Tensor) Buffer {
	if p.wants(t) {
		return p.gradInto(t)
	}
	return p.take(t.Size())
}

// commitOrDrop ends gradOrTemp: commit for a wanted tensor, else give the scratch back.
func (p *program) commitOrDrop(t *Tensor, b Buffer) {
	if p.wants(t) {
		p.commit(t, b)
	} else {
		p.give(b)
	}
}

// take lends a scratch buffer of n elements (its contents undefined).
func (p *program) take(n int) Buffer {
	var b Buffer
	if free := p.scratch[n]; len(free) > 0 {
		b, p.scratch[n] = free[len(free)-1], free[:len(free)-1]
	} else {
		b = p.buffer(n)
	}
	p.lent[b] = true
	return b
}

// give returns a buffer of take.
func (p *program) give(b Buffer) {
	delete(p.lent, b)
	p.scratch[b.Len()] = append(p.scratch[b.Len()], b)
}

// gradOf returns t's gradient if this pass computed it, else nil: a parameter the
// loss does not depend on has no gradient, which the optimizer reads as zero.
func (p *program) gradOf(t *Tensor) Buffer {
	if t.pass != p.pass {
		return nil
	}
	return t.grad
}

// close frees every buffer the program allocated.
func (p *program) close() {
	for _, b := range p.owned {
		p.be.Free(b)
	}
	p.owned = nil
}

// sync waits for the queued work and reports a backend failure.
func (p *program) sync() error {
	if err := p.be.Sync(); err != nil {
		return fmt.Errorf("tape: %s: %w", p.be.Name(), err)
	}
	return nil
}
