package ops

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// BatchNormState is one batch_norm layer's running statistics (torch's buffers
// running_mean and running_var). In training the forward op normalizes with the
// batch's statistics and updates the running ones by
// r ← (1 − Momentum)·r + Momentum·batch, with the unbiased batch variance as torch
// does; in evaluation it normalizes with the running ones. An inference graph shares
// the state of the graph that trains (with a mode of its own).
type BatchNormState struct {
	Momentum                float64   // torch's default is 0.1
	RunningMean, RunningVar []float32 // (C), starting at 0 and 1; float32 as torch's buffers, so a checkpoint holds them exactly
}

// NewBatchNormState returns the state of a layer over c channels, as torch starts it.
func NewBatchNormState(c int) *BatchNormState {
	s := &BatchNormState{Momentum: 0.1, RunningMean: make([]float32, c), RunningVar: make([]float32, c)}
	for i := range s.RunningVar {
		s.RunningVar[i] = 1
	}
	return s
}

// BatchNorm normalizes x (N, C, H, W) per channel and applies gamma (C), beta (C), as
// torch.nn.BatchNorm2d (kernels.BatchNorm). name identifies the layer (it keeps two
// layers' ops apart in gorgonia's graph); state holds its running statistics; mode
// says which statistics normalize.
//
// Its gradients recompute the batch statistics from x in training; in evaluation
// they treat the running statistics as constants (dx = γ·dy/√(running_var + eps)).
func BatchNorm(x, gamma, beta *G.Node, name string, eps float64, state *BatchNormState, mode *Mode) (*G.Node, error) {
	xs := x.Shape()
	if len(xs) != 4 {
		return nil, fmt.Errorf("ops: batch_norm: x %v, need (N, C, H, W)", xs)
	}
	if eps <= 0 {
		return nil, fmt.Errorf("ops: batch_norm: eps %g, need > 0", eps)
	}
	if len(state.RunningMean) != xs[1] || len(state.RunningVar) != xs[1] {
		return nil, fmt.Errorf("ops: batch_norm: running statistics for %d channels, x has %d", len(state.RunningMean), xs[1])
	}
	for _, p := range []*G.Node{gamma, beta} {
		if ps := p.Shape(); len(ps) != 1 || ps[0] != xs[1] {
			return nil, fmt.Errorf("ops: batch_norm: gamma/beta %v, want (%d)", ps, xs[1])
		}
	}
	return G.ApplyOp(batchNormOp{newOpBase("batch_norm", []int{4, 1, 1}, 4, name, eps), eps, state, mode}, x, gamma, beta)
}

// batchNormOp: (x, gamma, beta) → y.
type batchNormOp struct {
	opBase
	eps   float64
	state *BatchNormState
	mode  *Mode
}

func (op batchNormOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

func (op batchNormOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[0].Shape()...)
	if dt == tensor.Float32 {
		batchNormDo[float32](op, out, in)
	} else {
		batchNormDo[float64](op, out, in)
	}
	return out, nil
}

func batchNormDo[T kernels.Float](op batchNormOp, out *tensor.Dense, in []*tensor.Dense) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x, y, gamma, beta := floats[T](in[0]), floats[T](out), floats[T](in[1]), floats[T](in[2])
	st := op.state
	if !op.mode.Training {
		mean, rstd := runningStats[T](st, op.eps)
		normalizeWith(y, x, mean, rstd, gamma, beta, n, c, hw)
		return
	}
	mean, rstd := make([]T, c), make([]T, c)
	kernels.BatchNorm(y, mean, rstd, x, gamma, beta, n, c, hw, T(op.eps))
	m, count := st.Momentum, float64(n*hw)
	for ch := range c {
		variance := 1/(float64(rstd[ch])*float64(rstd[ch])) - op.eps
		if count > 1 {
			variance *= count / (count - 1)
		}
		st.RunningMean[ch] = float32((1-m)*float64(st.RunningMean[ch]) + m*float64(mean[ch]))
		st.RunningVar[ch] = float32((1-m)*float64(st.RunningVar[ch]) + m*variance)
	}
}

// runningStats returns the running mean and 1/√(running_var + eps) as []T.
func runningStats[T kernels.Float](st *BatchNormState, eps float64) (mean, rstd []T) {
	mean, rstd = make([]T, len(st.RunningMean)), make([]T, len(st.RunningVar))
	for ch := range mean {
		mean[ch] = T(st.RunningMean[ch])
		rstd[ch] = T(1 / math.Sqrt(float64(st.RunningVar[ch])+eps))
	}
	return mean, rstd
}

// normalizeWith is y = (x − mean[c])·rstd[c]·gamma[c] + beta[c] over (N, C, HW).
func normalizeWith[T kernels.Float](y, x, mean, rstd, gamma, beta []T, n, c, hw int) {
	for i := range n {
		for ch := range c {
			a, b := rstd[ch]*gamma[ch], beta[ch]-mean[ch]*rstd[ch]*gamma[ch]
			off := (i*c + ch) * hw
			for p, v := range x[off : off+hw] {
				y[off+p] = v*a + b
			}
		}
	}
}

func (op batchNormOp) DiffWRT(inputs int) []bool { return []bool{true, true, true} }

func (op batchNormOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, gamma := inputs[0], inputs[1]
	dx, err := G.ApplyOp(newBatchNormBackOp(op, false), x, grad, gamma)
	if err != nil {
		return nil, fmt.Errorf("ops: batch_norm gradient of x: %w", err)
	}
	dgamma, err := G.ApplyOp(newBatchNormBackOp(op, true), x, grad, gamma)
	if err != nil {
		return nil, fmt.Errorf("ops: batch_norm gradient of gamma: %w", err)
	}
	dbeta, err := G.ApplyOp(newSumNHWOp(), grad)
	if err != nil {
		return nil, fmt.Errorf("ops: batch_norm gradient of beta: %w", err)
	}
	return G.Nodes{dx, dgamma, dbeta}, nil
}

// batchNormBackOp: (x, dy, gamma) → dx (N, C, H, W), or dgamma (C) when dgamma is set,
// by kernels.BatchNormBackward with the statistics of the mode the forward ran in.
type batchNormBackOp struct {
	normGrad
	eps   float64
	state *BatchNormState
	mode  *Mode
}

func newBatchNormBackOp(fwd batchNormOp, dgamma bool) batchNormBackOp {
	name, out := "batch_norm_dx", 4
	if dgamma {
		name, out = "batch_norm_dgamma", 1
	}
	return batchNormBackOp{normGrad{newOpBase(name, []int{4, 4, 1}, out, fwd.params...), dgamma}, fwd.eps, fwd.state, fwd.mode}
}

func (op batchNormBackOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := op.output(dt, in[0].Shape())
	if dt == tensor.Float32 {
		batchNormBackDo[float32](op, out, in)
	} else {
		batchNormBackDo[float64](op, out, in)
	}
	return out, nil
}

func batchNormBackDo[T kernels.Float](op batchNormBackOp, out *tensor.Dense, in []*tensor.Dense) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x, dy, gamma := floats[T](in[0]), floats[T](in[1]), floats[T](in[2])
	var mean, rstd []T
	if op.mode.Training {
		mean, rstd = make([]T, c), make([]T, c)
		kernels.BatchNorm(make([]T, len(x)), mean, rstd, x, nil, nil, n, c, hw, T(op.eps))
	} else {
		mean, rstd = runningStats[T](op.state, op.eps)
	}
	if op.dgamma { // Σ dy·x̂, the same in both modes
		kernels.BatchNormBackward(make([]T, len(x)), floats[T](out), nil, dy, x, mean, rstd, nil, n, c, hw)
		return
	}
	if op.mode.Training {
		kernels.BatchNormBackward(floats[T](out), nil, nil, dy, x, mean, rstd, gamma, n, c, hw)
		return
	}
	dx := floats[T](out) // constant statistics: dx = γ·rstd·dy
	for i := range n {
		for ch := range c {
			a := gamma[ch] * rstd[ch]
			off := (i*c + ch) * hw
			for p, g := range dy[off : off+hw] {
				dx[off+p] = a * g
			}
		}
	}
}

var (
	_ G.SDOp = batchNormOp{}
	_ G.Op   = batchNormBackOp{}
)
