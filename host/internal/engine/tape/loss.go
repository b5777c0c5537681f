package tape

// lossTerm is a mean loss over a tensor against labels: it writes the tensor's
// gradient (scaled by weight) and sums the terms into a one-value buffer, which
// the training loop downloads once per step.
type lossTerm struct {
	kind   Loss
	x      *Tensor
	labels Buffer // ℓ's y, (x's size)
	w      Buffer // per-element weights, or nil
	weight float32
	terms  Buffer // ℓ per element
	sum    Buffer // Σ terms, one value
}

func newLossTerm(p *program, kind Loss, x *Tensor, labels Buffer, weight float32) *lossTerm {
	return &lossTerm{kind: kind, x: x, labels: labels, weight: weight, terms: p.buffer(x.Size()), sum: p.buffer(1)}
}

// write adds weight·∂mean(ℓ)/∂x to x's gradient and queues the sum of the terms.
func (l *lossTerm) write(p *program) {
	g := p.gradInto(l.x)
	p.be.LossTerms(l.kind, l.terms, g, l.x.Data, l.labels, l.w, l.weight/float32(l.x.Size()))
	p.commit(l.x, g)
	p.be.Sum(l.sum, l.terms)
}

// mean downloads the mean of the terms (waiting for the queued work).
func (l *lossTerm) mean(p *program) float32 {
	var s [1]float32
	p.be.Download(s[:], l.sum)
	return s[0] / float32(l.x.Size())
}

// constant is a buffer of n copies of v.
func constant(p *program, n int, v float32) Buffer {
	b := p.buffer(n)
	p.be.Fill(b, v)
	return b
}
