package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

// Conv2d applies the 2-D convolution (cross-correlation, as torch.nn.functional.conv2d)
// of x (N, C, H, W) with w (F, C, K, K) plus the bias b (F), which may be nil, with the
// given stride and zero padding; the result is (N, F, OH, OW) with
// OH = (H + 2·pad − K)/stride + 1. It runs kernels.Conv2d; its gradients run
// kernels.Conv2dBackwardData (x), kernels.Conv2dBackwardFilter (w) and a sum of dy over
// (N, OH, OW) (b).
func Conv2d(x, w, b *G.Node, stride, pad int) (*G.Node, error) {
	if ws := w.Shape(); len(ws) != 4 || ws[2] != ws[3] {
		return nil, fmt.Errorf("ops: conv2d: w %v: need (F, C, K, K)", ws)
	}
	return conv("conv2d", x, w, b, convGeom{stride, stride, pad, pad})
}

// Conv1d applies the 1-D convolution along the rows of x (N, C, 1, L) with w (F, C, 1, K)
// plus the bias b (F), which may be nil, with the given stride and zero padding along
// L: the result is (N, F, 1, (L + 2·pad − K)/stride + 1), as torch's conv1d on x
// squeezed to (N, C, L). It runs the kernels of Conv2d with a 1×K kernel.
func Conv1d(x, w, b *G.Node, stride, pad int) (*G.Node, error) {
	if xs, ws := x.Shape(), w.Shape(); len(xs) != 4 || xs[2] != 1 || len(ws) != 4 || ws[2] != 1 {
		return nil, fmt.Errorf("ops: conv1d: x %v, w %v: need x (N, C, 1, L), w (F, C, 1, K)", xs, ws)
	}
	return conv("conv1d", x, w, b, convGeom{1, stride, 0, pad})
}

// convGeom is a convolution's strides and zero paddings along H and W.
type convGeom struct{ sh, sw, ph, pw int }

// shape is the kernels.ConvShape of x (N, C, H, W) and w (F, C, KH, KW).
func (g convGeom) shape(xs, ws tensor.Shape) kernels.ConvShape {
	return kernels.ConvShape{N: xs[0], C: xs[1], H: xs[2], W: xs[3], F: ws[0], KH: ws[2], KW: ws[3],
		SH: g.sh, SW: g.sw, PH: g.ph, PW: g.pw}
}

func conv(name string, x, w, b *G.Node, g convGeom) (*G.Node, error) {
	if g.sh <= 0 || g.sw <= 0 || g.ph < 0 || g.pw < 0 {
		return nil, fmt.Errorf("ops: %s: strides %d, %d and paddings %d, %d: need strides > 0, paddings ≥ 0", name, g.sh, g.sw, g.ph, g.pw)
	}
	xs, ws := x.Shape(), w.Shape()
	if len(xs) != 4 || len(ws) != 4 || ws[1] != xs[1] {
		return nil, fmt.Errorf("ops: %s: x %v, w %v: need x (N, C, H, W), w (F, C, KH, KW)", name, xs, ws)
	}
	if xs[2]+2*g.ph < ws[2] || xs[3]+2*g.pw < ws[3] {
		return nil, fmt.Errorf("ops: %s: x %v with padding %d, %d is smaller than kernel %d×%d", name, xs, g.ph, g.pw, ws[2], ws[3])
	}
	if b == nil {
		return G.ApplyOp(newConv2dOp(g, false), x, w)
	}
	if bs := b.Shape(); len(bs) != 1 || bs[0] != ws[0] {
		return nil, fmt.Errorf("ops: %s: bias %v, want (%d)", name, bs, ws[0])
	}
	return G.ApplyOp(newConv2dOp(g, true), x, w, b)
}

// conv2dOp: (x, w[, b]) → y.
type conv2dOp struct {
	opBase
	geom convGeom
	bias bool
}

func newConv2dOp(g convGeom, bias bool) conv2dOp {
	in := []int{4, 4}
	if bias {
		in = append(in, 1)
	}
	return conv2dOp{newOpBase("conv2d", in, 4, g.sh, g.sw, g.ph, g.pw, bias), g, bias}
}

func (op conv2dOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	xs, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	ws, err := op.shapeOf(inputs, 1, 4)
	if err != nil {
		return nil, err
	}
	s := op.geom.shape(xs, ws)
	return tensor.Shape{s.N, s.F, s.OutH(), s.OutW()}, nil
}

func (op conv2dOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := op.geom.shape(in[0].Shape(), in[1].Shape())
	out := newDense(dt, s.N, s.F, s.OutH(), s.OutW())
	var b *tensor.Dense
	if op.bias {
		b = in[2]
	}
	if dt == tensor.Float32 {
		conv2dDo[float32](out, in[0], in[1], b, s)
	} else {
		conv2dDo[float64](out, in[0], in[1], b, s)
	}
	return out, nil
}

func conv2dDo[T kernels.Float](out, x, w, b *tensor.Dense, s kernels.ConvShape) {
	var bias []T
	if b != nil {
		bias = floats[T](b)
	}
	kernels.Conv2d(floats[T](out), floats[T](x), floats[T](w), bias, s)
}

func (op conv2dOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

func (op conv2dOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	xs := x.Shape()
	dx, err := G.ApplyOp(newConv2dDataOp(xs[2], xs[3], op.geom), grad, w)
	if err != nil {
		return nil, fmt.Errorf("ops: conv2d gradient of x: %w", err)
	}
	ws := w.Shape()
	dw, err := G.ApplyOp(newConv2dFilterOp(ws[2], ws[3], op.geom), grad, x)
	if err != nil {
		return nil, fmt.Errorf("ops: conv2d gradient of w: %w", err)
	}
	if !op.bias {
		return G.Nodes{dx, dw}, nil
	}
	db, err := G.ApplyOp(newSumNHWOp(), grad)
	if err != nil {
		return nil, fmt.Errorf("ops: conv2d gradient of b: %w", err)
	}
	return G.Nodes{dx, dw, db}, nil
}

// conv2dDataOp: (dy, w) → dx (N, C, H, W), by kernels.Conv2dBackwardData.
type conv2dDataOp struct {
	opBase
	h, w int
	geom convGeom
}

func newConv2dDataOp(h, w int, g convGeom) conv2dDataOp {
	return conv2dDataOp{newOpBase("conv2d_dx", []int{4, 4}, 4, h, w, g.sh, g.sw, g.ph, g.pw), h, w, g}
}

func (op conv2dDataOp) shape(dys, ws tensor.Shape) kernels.ConvShape {
	return op.geom.shape(tensor.Shape{dys[0], ws[1], op.h, op.w}, ws)
}

func (op conv2dDataOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	dys, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	ws, err := op.shapeOf(inputs, 1, 4)
	if err != nil {
		return nil, err
	}
	s := op.shape(dys, ws)
	return tensor.Shape{s.N, s.C, s.H, s.W}, nil
}

func (op conv2dDataOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := op.shape(in[0].Shape(), in[1].Shape())
	out := newDense(dt, s.N, s.C, s.H, s.W)
	if dt == tensor.Float32 {
		kernels.Conv2dBackwardData(floats[float32](out), floats[float32](in[0]), floats[float32](in[1]), s)
	} else {
		kernels.Conv2dBackwardData(floats[float64](out), floats[float64](in[0]), floats[float64](in[1]), s)
	}
	return out, nil
}

// conv2dFilterOp: (dy, x) → dw (F, C, KH, KW), by kernels.Conv2dBackwardFilter.
type conv2dFilterOp struct {
	opBase
	kh, kw int
	geom   convGeom
}

func newConv2dFilterOp(kh, kw int, g convGeom) conv2dFilterOp {
	return conv2dFilterOp{newOpBase("conv2d_dw", []int{4, 4}, 4, kh, kw, g.sh, g.sw, g.ph, g.pw), kh, kw, g}
}

func (op conv2dFilterOp) shape(dys, xs tensor.Shape) kernels.ConvShape {
	return op.geom.shape(xs, tensor.Shape{dys[1], xs[1], op.kh, op.kw})
}

func (op conv2dFilterOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	dys, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	xs, err := op.shapeOf(inputs, 1, 4)
	if err != nil {
		return nil, err
	}
	s := op.shape(dys, xs)
	return tensor.Shape{s.F, s.C, s.KH, s.KW}, nil
}

func (op conv2dFilterOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := op.shape(in[0].Shape(), in[1].Shape())
	out := newDense(dt, s.F, s.C, s.KH, s.KW)
	if dt == tensor.Float32 {
		kernels.Conv2dBackwardFilter(floats[float32](out), nil, floats[float32](in[0]), floats[float32](in[1]), s)
	} else {
		kernels.Conv2dBackwardFilter(floats[float64](out), nil, floats[float64](in[0]), floats[float64](in[1]), s)
	}
	return out, nil
}

// sumNHWOp: dy (N, C, H, W) → (C), the sum over N, H and W: the gradient of a
// per-channel bias or shift (conv2d's b, group norm's beta).
type sumNHWOp struct{ opBase }

func newSumNHWOp() sumNHWOp { return sumNHWOp{newOpBase("sum_nhw", []int{4}, 1)} }

func (op sumNHWOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	s, err := op.shapeOf(inputs, 0, 4)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[1]}, nil
}

func (op sumNHWOp) Do(inputs ...G.Value) (G.Value, error) {
	in, dt, err := op.checkInputs(inputs)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	out := newDense(dt, s[1])
	if dt == tensor.Float32 {
		sumNHW(floats[float32](out), floats[float32](in[0]), s[0], s[1], s[2]*s[3])
	} else {
		sumNHW(floats[float64](out), floats[float64](in[0]), s[0], s[1], s[2]*s[3])
	}
	return out, nil
}

// sumNHW: dst[c] = Σ_{n,p} x[n,c,p], x (N, C, HW).
func sumNHW[T kernels.Float](dst, x []T, n, c, hw int) {
	for i := 0; i < n; i++ {
		for j := 0; j < c; j++ {
			var s T
			for _, v := range x[(i*c+j)*hw : (i*c+j+1)*hw] {
				s += v
			}
			dst[j] += s
		}
	}
}

var (
	_ G.SDOp = conv2dOp{}
	_ G.Op   = conv2dDataOp{}
	_ G.Op   = conv2dFilterOp{}
	_ G.Op   = sumNHWOp{}
)
