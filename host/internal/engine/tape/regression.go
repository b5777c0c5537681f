package tape

import (
	"fmt"

	"dnw/sdk/ir"
)

// Regression is engine.Regression on the backend: a model's one output trained
// toward targets by the weighted mean squared error with AdamW and, optionally, an
// exponential moving average of the weights.
type Regression struct {
	Model *Model
	Opt   *Adam
	EMA   *EMA // nil without averaging

	target, weight Buffer
	loss           *lossTerm
}

// NewRegression compiles g with o (o.Batch samples a step) and an optimizer of
// learning rate lr and β1; ema is the averaging decay (0: none).
func NewRegression(be Backend, g ir.Graph, o Options, lr, beta1, ema float64) (*Regression, error) {
	m, err := Compile(be, g, o)
	if err != nil {
		return nil, err
	}
	if len(m.Outputs) != 1 {
		m.prog.close()
		return nil, fmt.Errorf("engine: regression: graph %s has %d outputs, want 1", g.Name, len(m.Outputs))
	}
	p, out := m.prog, m.Outputs[0]
	r := &Regression{Model: m, Opt: newAdam(p, lr, beta1), target: p.buffer(out.Size()), weight: p.buffer(out.Size())}
	r.loss = newLossTerm(p, LossSquare, out, r.target, 1)
	p.differentiate()
	if ema > 0 {
		r.EMA = NewEMA(m, ema)
	}
	return r, nil
}

// Step runs one optimizer step on a batch (inputs by name, the output's targets,
// a weight per output value or nil for all 1) and returns the loss before the
// update, mean(weight·(output − target)²).
func (r *Regression) Step(inputs map[string][]float32, target, weight []float32) (float64, error) {
	m := r.Model
	p, be := m.prog, m.prog.be
	if err := upload(m, inputs); err != nil {
		return 0, fmt.Errorf("engine: regression: %w", err)
	}
	if len(target) != r.target.Len() || (weight != nil && len(weight) != r.weight.Len()) {
		return 0, fmt.Errorf("engine: regression: %d targets and %d weights, want %d", len(target), len(weight), r.target.Len())
	}
	be.Upload(r.target, target)
	r.loss.w = nil
	if weight != nil {
		be.Upload(r.weight, weight)
		r.loss.w = r.weight
	}
	p.forward()
	p.beginBackward()
	r.loss.write(p)
	p.backward()
	r.Opt.Step(m.Trainable)
	if r.EMA != nil {
		r.EMA.Update()
	}
	loss := r.loss.mean(p)
	return float64(loss), p.sync()
}

// Close frees the model's buffers and closes the backend, which NewRegression's
// caller opened for this regression alone.
func (r *Regression) Close() {
	r.Model.prog.close()
	r.Model.prog.be.Close()
}
