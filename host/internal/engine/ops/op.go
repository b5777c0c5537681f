package ops

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// opBase implements the parts of gorgonia.Op that are the same for every op of this
// package: Arity, Type, ReturnsPtr, CallsExtern, OverwritesInput, WriteHash, Hashcode
// and String. Embed it by value and add InferShape, Do (and, for an SDOp, DiffWRT and
// SymDiff):
//
//	type geluOp struct{ opBase }
//	func newGELUOp() geluOp { return geluOp{newOpBase("gelu", []int{2}, 2)} }
//
// The name and params identify the op: two ops with the same name and params hash
// equal, so gorgonia may merge two applications of them to the same inputs (as it
// does for its own ops); give every attribute that changes the result as a param.
type opBase struct {
	name    string
	inDims  []int // number of dimensions of each input; len(inDims) is the arity
	outDims int   // number of dimensions of the output
	params  []any // attributes, printed by String in order
}

// newOpBase returns the base of an op called name whose inputs have the given numbers
// of dimensions and whose output has outDims dimensions; params are its attributes
// (stride, groups, eps, ...), which String, WriteHash and Hashcode include.
func newOpBase(name string, inDims []int, outDims int, params ...any) opBase {
	return opBase{name: name, inDims: inDims, outDims: outDims, params: params}
}

// Arity is the number of inputs.
func (o opBase) Arity() int { return len(o.inDims) }

// Type is a -> a -> ... -> a over tensors of one dtype a, with each input's and the
// output's number of dimensions.
func (o opBase) Type() hm.Type {
	a := hm.TypeVariable('a')
	ts := make(hm.Types, 0, len(o.inDims)+1)
	for _, d := range o.inDims {
		ts = append(ts, G.TensorType{Dims: d, Of: a})
	}
	ts = append(ts, G.TensorType{Dims: o.outDims, Of: a})
	return hm.NewFnType(ts...)
}

// ReturnsPtr is false: every op allocates its result.
func (o opBase) ReturnsPtr() bool { return false }

// CallsExtern is false: the kernels are plain Go.
func (o opBase) CallsExtern() bool { return false }

// OverwritesInput is -1: inputs are never mutated.
func (o opBase) OverwritesInput() int { return -1 }

// WriteHash writes String to h.
func (o opBase) WriteHash(h hash.Hash) { fmt.Fprint(h, o.String()) }

// Hashcode is the FNV-1a hash of String.
func (o opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// String is the name followed by the params, e.g. "conv2d{1 1}".
func (o opBase) String() string {
	if len(o.params) == 0 {
		return o.name
	}
	s := o.name + "{"
	for i, p := range o.params {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprint(p)
	}
	return s + "}"
}

// checkInputs returns the inputs of op as *tensor.Dense of one float dtype (float32
// or float64), views materialized into contiguous copies, or an error naming the op.
// Call it first in Do; then floats is safe on every returned tensor.
func (o opBase) checkInputs(inputs []G.Value) ([]*tensor.Dense, tensor.Dtype, error) {
	if len(inputs) != o.Arity() {
		return nil, tensor.Dtype{}, fmt.Errorf("ops: %s: got %d inputs, want %d", o.name, len(inputs), o.Arity())
	}
	ds := make([]*tensor.Dense, len(inputs))
	var dt tensor.Dtype
	for i, v := range inputs {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return nil, dt, fmt.Errorf("ops: %s: input %d is %T, want *tensor.Dense", o.name, i, v)
		}
		if d.IsView() { // the kernels need the flat row-major data
			d = d.Materialize().(*tensor.Dense)
		}
		if i == 0 {
			dt = d.Dtype()
			if dt != tensor.Float32 && dt != tensor.Float64 {
				return nil, dt, fmt.Errorf("ops: %s: dtype %v, want float32 or float64", o.name, dt)
			}
		} else if d.Dtype() != dt {
			return nil, dt, fmt.Errorf("ops: %s: input %d has dtype %v, input 0 has %v", o.name, i, d.Dtype(), dt)
		}
		ds[i] = d
	}
	return ds, dt, nil
}

// floats returns the backing slice of a float32 or float64 *tensor.Dense as []T,
// for the kernels (no copy: writing to it writes the tensor). It panics if T is not
// the tensor's dtype or the tensor is a view (checkInputs has checked the dtype).
// Use it from a generic helper that the op's Do dispatches to:
//
//	switch dt {
//	case tensor.Float32:
//		gelu[float32](out, in)
//	case tensor.Float64:
//		gelu[float64](out, in)
//	}
//	func gelu[T kernels.Float](out, in *tensor.Dense) { kernels.GELU(floats[T](out), floats[T](in)) }
func floats[T kernels.Float](d *tensor.Dense) []T {
	if d.IsView() {
		panic("ops: floats of a view")
	}
	return d.Data().([]T)
}

// newDense allocates a zeroed tensor of dtype dt and the given shape.
func newDense(dt tensor.Dtype, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.Of(dt))
}

// shapeOf returns the i-th input shape given to InferShape, or an error naming the op.
func (o opBase) shapeOf(inputs []G.DimSizer, i, dims int) (tensor.Shape, error) {
	if len(inputs) != o.Arity() {
		return nil, fmt.Errorf("ops: %s: got %d input shapes, want %d", o.name, len(inputs), o.Arity())
	}
	s, ok := inputs[i].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("ops: %s: input %d shape is %T, want tensor.Shape", o.name, i, inputs[i])
	}
	if len(s) != dims {
		return nil, fmt.Errorf("ops: %s: input %d has shape %v, want %d dimensions", o.name, i, s, dims)
	}
	return s, nil
}
