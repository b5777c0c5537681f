package ops

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// DropoutState is one dropout layer's random stream and the mask of its last
// forward pass, which the backward pass of the same step multiplies by.
type DropoutState struct {
	Mode *Mode
	Rate float64
	pcg  *rand.PCG
	rng  *rand.Rand
	mask []float64 // 0 or 1/(1 − Rate) per element
}

// NewDropoutState returns the state of a layer that drops with probability rate,
// drawing its masks from a PCG stream seeded by seed (so a run is reproducible).
func NewDropoutState(mode *Mode, rate float64, seed uint64) *DropoutState {
	pcg := rand.NewPCG(seed, 0x64726f70)
	return &DropoutState{Mode: mode, Rate: rate, pcg: pcg, rng: rand.New(pcg)}
}

// MarshalBinary is the position of the layer's random stream, for a checkpoint.
func (s *DropoutState) MarshalBinary() ([]byte, error) { return s.pcg.MarshalBinary() }

// UnmarshalBinary moves the stream to a position MarshalBinary returned.
func (s *DropoutState) UnmarshalBinary(b []byte) error { return s.pcg.UnmarshalBinary(b) }

// Draw draws the mask of a forward pass over n elements, each 0 with probability
// Rate and 1/(1 − Rate) otherwise, keeps it for the backward pass and returns it.
// The tape engine draws its masks here too, so that both engines drop alike.
func (s *DropoutState) Draw(n int) []float64 {
	if len(s.mask) != n {
		s.mask = make([]float64, n)
	}
	keep := 1 / (1 - s.Rate)
	for i := range s.mask {
		s.mask[i] = 0
		if s.rng.Float64() >= s.Rate {
			s.mask[i] = keep
		}
	}
	return s.mask
}

// Dropout zeroes each element of x with probability Rate and scales the others by
// 1/(1 − Rate) in training, and is the identity in evaluation (torch.nn.Dropout). A
// new mask is drawn on every forward pass; the gradient is dy times that mask.
func Dropout(x *G.Node, name string, state *DropoutState) (*G.Node, error) {
	if !(state.Rate >= 0 && state.Rate < 1) {
		return nil, fmt.Errorf("ops: dropout: rate %v, need 0 ≤ rate < 1", state.Rate)
	}
	d := x.Shape().Dims()
	return G.ApplyOp(dropoutOp{newOpBase("dropout", []int{d}, d, name, state.Rate), state, false}, x)
}

// dropoutOp: x → x·mask, drawing the mask; as the gradient (backward set): dy → dy·mask
// with the mask of the forward pass.
type dropoutOp struct {
	opBase
	state    *DropoutState
	backward bool
}

func (op dropoutOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, ok := inputs[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("ops: %s: input shape is %T, want tensor.Shape", op.name, inputs[0])
	}
	return s.Clone(), nil
}

func (op dropoutOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	out := newDense(dt, in[0].Shape()...)
	st := op.state
	if !st.Mode.Training || st.Rate == 0 { // the identity
		if dt == tensor.Float32 {
			copy(floats[float32](out), floats[float32](in[0]))
		} else {
			copy(floats[float64](out), floats[float64](in[0]))
		}
		return out, nil
	}
	n := in[0].Shape().TotalSize()
	if !op.backward {
		st.Draw(n)
	} else if len(st.mask) != n {
		return nil, fmt.Errorf("ops: dropout gradient: no mask of %d elements from a forward pass", n)
	}
	if dt == tensor.Float32 {
		applyMask(floats[float32](out), floats[float32](in[0]), st.mask)
	} else {
		applyMask(floats[float64](out), floats[float64](in[0]), st.mask)
	}
	return out, nil
}

func applyMask[T kernels.Float](dst, x []T, mask []float64) {
	for i, v := range x {
		dst[i] = v * T(mask[i])
	}
}

func (op dropoutOp) DiffWRT(inputs int) []bool { return []bool{true} }

func (op dropoutOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	back := dropoutOp{newOpBase("dropout_dx", op.inDims, op.outDims, op.params...), op.state, true}
	dx, err := G.ApplyOp(back, grad)
	if err != nil {
		return nil, fmt.Errorf("ops: dropout gradient: %w", err)
	}
	return G.Nodes{dx}, nil
}

var _ G.SDOp = dropoutOp{}
