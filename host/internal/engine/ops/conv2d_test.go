package ops

import (
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

func convBuild(stride, pad int, bias bool) buildFunc {
	return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		if bias {
			return Conv2d(in[0], in[1], in[2], stride, pad)
		}
		return Conv2d(in[0], in[1], nil, stride, pad)
	}
}

func TestConv2dForward(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	x, w, b := randDense(rng, 2, 3, 5, 6), randDense(rng, 4, 3, 3, 3), randDense(rng, 4)
	s := kernels.ConvShape{N: 2, C: 3, H: 5, W: 6, F: 4, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}
	want := make([]float64, 2*4*s.OutH()*s.OutW())
	kernels.Conv2d(want, x.Data().([]float64), w.Data().([]float64), b.Data().([]float64), s)
	if got := forward(t, convBuild(2, 1, true), x, w, b); !reflect.DeepEqual(got, want) {
		t.Errorf("float64: got %v, want %v", got, want)
	}
	want32 := make([]float32, len(want))
	x32, w32, b32 := toFloat32(x), toFloat32(w), toFloat32(b)
	kernels.Conv2d(want32, x32.Data().([]float32), w32.Data().([]float32), b32.Data().([]float32), s)
	if got := forward(t, convBuild(2, 1, true), x32, w32, b32); !reflect.DeepEqual(got, want32) {
		t.Errorf("float32: got %v, want %v", got, want32)
	}
	want32 = make([]float32, len(want))
	kernels.Conv2d(want32, x32.Data().([]float32), w32.Data().([]float32), nil, s)
	if got := forward(t, convBuild(2, 1, false), x32, w32); !reflect.DeepEqual(got, want32) {
		t.Errorf("float32 no bias: got %v, want %v", got, want32)
	}
}

func TestConv2dGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, c := range []struct{ stride, pad int }{{1, 1}, {2, 1}, {2, 0}} {
		x, w, b := randDense(rng, 2, 2, 5, 4), randDense(rng, 3, 2, 3, 3), randDense(rng, 3)
		checkGrad(t, convBuild(c.stride, c.pad, true), 1e-6, x, w, b)
		checkGrad(t, convBuild(c.stride, c.pad, false), 1e-6, x, w)
	}
}

func TestConv2dRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	x, w, b := randDense(rng, 2, 3, 8, 8), randDense(rng, 4, 3, 3, 3), randDense(rng, 4)
	checkRepeat(t, convBuild(1, 1, true), toFloat32(x), toFloat32(w), toFloat32(b))
}

func TestConv2dErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 3, 4, 4), G.WithName("x"))
	w := G.NewTensor(g, tensor.Float32, 4, G.WithShape(2, 2, 3, 3), G.WithName("w"))
	if _, err := Conv2d(x, w, nil, 1, 1); err == nil {
		t.Error("channel mismatch: no error")
	}
	w2 := G.NewTensor(g, tensor.Float32, 4, G.WithShape(2, 3, 3, 3), G.WithName("w2"))
	if _, err := Conv2d(x, w2, nil, 0, 1); err == nil {
		t.Error("stride 0: no error")
	}
}

// chainBuild is a small generator-like block: conv (stride 2) → group norm →
// upsample → conv → avg pool, the ops composed as the engine will compose them.
func chainBuild(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
	h, err := Conv2d(in[0], in[1], in[2], 2, 1)
	if err != nil {
		return nil, err
	}
	if h, err = GroupNorm(h, in[3], in[4], 2, 1e-5); err != nil {
		return nil, err
	}
	if h, err = UpsampleNearest(h, 2, 2); err != nil {
		return nil, err
	}
	if h, err = Conv2d(h, in[5], nil, 1, 1); err != nil {
		return nil, err
	}
	return AvgPool(h, 2)
}

func chainInputs(rng *rand.Rand) []*tensor.Dense {
	return []*tensor.Dense{
		randDense(rng, 2, 2, 4, 4), randDense(rng, 4, 2, 3, 3), randDense(rng, 4),
		randDense(rng, 4), randDense(rng, 4), randDense(rng, 2, 4, 3, 3),
	}
}

func TestChainGrad(t *testing.T) {
	checkGrad(t, chainBuild, 1e-5, chainInputs(rand.New(rand.NewSource(4)))...)
}

func TestChainFloat32(t *testing.T) {
	in := chainInputs(rand.New(rand.NewSource(5)))
	for i := range in {
		in[i] = toFloat32(in[i])
	}
	checkRepeat(t, chainBuild, in...)
}
