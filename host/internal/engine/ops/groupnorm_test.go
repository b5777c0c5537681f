package ops

import (
	"bytes"
	"log"
	"math/rand"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/kernels"
)

func groupNormBuild(groups int, affine bool) buildFunc {
	return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		if affine {
			return GroupNorm(in[0], in[1], in[2], groups, 1e-5)
		}
		return GroupNorm(in[0], nil, nil, groups, 1e-5)
	}
}

func TestGroupNormForward(t *testing.T) {
	rng := rand.New(rand.NewSource(31))
	x, gamma, beta := randDense(rng, 2, 4, 3, 3), randDense(rng, 4), randDense(rng, 4)
	want := make([]float64, 2*4*9)
	mean, rstd := make([]float64, 4), make([]float64, 4)
	kernels.GroupNorm(want, mean, rstd, x.Data().([]float64), gamma.Data().([]float64), beta.Data().([]float64), 2, 4, 9, 2, 1e-5)
	if got := forward(t, groupNormBuild(2, true), x, gamma, beta); !reflect.DeepEqual(got, want) {
		t.Errorf("float64: got %v, want %v", got, want)
	}
	x32, g32, b32 := toFloat32(x), toFloat32(gamma), toFloat32(beta)
	want32 := make([]float32, len(want))
	mean32, rstd32 := make([]float32, 4), make([]float32, 4)
	kernels.GroupNorm(want32, mean32, rstd32, x32.Data().([]float32), g32.Data().([]float32), b32.Data().([]float32), 2, 4, 9, 2, 1e-5)
	if got := forward(t, groupNormBuild(2, true), x32, g32, b32); !reflect.DeepEqual(got, want32) {
		t.Errorf("float32: got %v, want %v", got, want32)
	}
	mean32, rstd32 = make([]float32, 8), make([]float32, 8)
	kernels.GroupNorm(want32, mean32, rstd32, x32.Data().([]float32), nil, nil, 2, 4, 9, 4, 1e-5)
	if got := forward(t, groupNormBuild(4, false), x32); !reflect.DeepEqual(got, want32) {
		t.Errorf("float32 instance norm, no affine: got %v, want %v", got, want32)
	}
}

func TestGroupNormGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(32))
	for _, groups := range []int{1, 2, 4} { // layer norm over (C, H, W), group norm, instance norm
		x, gamma, beta := randDense(rng, 2, 4, 2, 3), randDense(rng, 4), randDense(rng, 4)
		checkGrad(t, groupNormBuild(groups, true), 1e-5, x, gamma, beta)
		checkGrad(t, groupNormBuild(groups, false), 1e-5, x)
	}
}

func TestGroupNormRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(33))
	checkRepeat(t, groupNormBuild(2, true), toFloat32(randDense(rng, 2, 4, 8, 8)), toFloat32(randDense(rng, 4)), toFloat32(randDense(rng, 4)))
}

// TestGroupNormQuiet checks that a forward and backward pass write nothing to the
// standard logger (gorgonia's GroupNorm logs the whole gradient every step).
func TestGroupNormQuiet(t *testing.T) {
	var buf bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&buf)
	defer log.SetOutput(prev)
	rng := rand.New(rand.NewSource(34))
	checkGrad(t, groupNormBuild(2, true), 1e-5, randDense(rng, 1, 2, 2, 2), randDense(rng, 2), randDense(rng, 2))
	if buf.Len() > 0 {
		t.Errorf("logged: %q", buf.String())
	}
}

func TestGroupNormErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 6, 4, 4), G.WithName("x"))
	gamma := G.NewTensor(g, tensor.Float32, 1, G.WithShape(6), G.WithName("gamma"))
	if _, err := GroupNorm(x, nil, nil, 4, 1e-5); err == nil {
		t.Error("groups 4 with C = 6: no error")
	}
	if _, err := GroupNorm(x, gamma, nil, 3, 1e-5); err == nil {
		t.Error("gamma without beta: no error")
	}
	if _, err := GroupNorm(x, nil, nil, 3, 0); err == nil {
		t.Error("eps 0: no error")
	}
}
