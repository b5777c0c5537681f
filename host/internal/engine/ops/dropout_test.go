package ops

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
)

// TestDropout checks the training pass (about Rate of the elements zeroed, the rest
// scaled by 1/(1 − Rate), a new mask each pass, the same masks for the same seed),
// its gradient (exactly dy times the forward pass's mask: dropout is linear in x for
// a fixed mask, so this is its whole gradient check), and the evaluation pass (the
// identity, both ways).
func TestDropout(t *testing.T) {
	const rate, n = 0.25, 4000
	run := func(mode *Mode, seed uint64) (x, y, dx []float64) {
		rng := rand.New(rand.NewSource(44))
		xv, dyv := randDense(rng, 4, n/4), randDense(rng, 4, n/4)
		g := G.NewGraph()
		xn := G.NodeFromAny(g, xv, G.WithName("x"))
		out, err := Dropout(xn, "drop", NewDropoutState(mode, rate, seed))
		if err != nil {
			t.Fatal(err)
		}
		dy := G.NodeFromAny(g, dyv, G.WithName("dy"))
		loss := G.Must(G.Sum(G.Must(G.HadamardProd(out, dy))))
		if _, err := G.Grad(loss, xn); err != nil {
			t.Fatal(err)
		}
		vm := G.NewTapeMachine(g, G.BindDualValues(xn))
		defer vm.Close()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		grad, _ := xn.Grad()
		return xv.Data().([]float64), append([]float64(nil), out.Value().Data().([]float64)...),
			append([]float64(nil), grad.Data().([]float64)...)
	}
	rng := rand.New(rand.NewSource(44))
	_, dyv := randDense(rng, 4, n/4), randDense(rng, 4, n/4)
	dy := dyv.Data().([]float64)

	x, y, dx := run(&Mode{Training: true}, 1)
	dropped := 0
	for i := range x {
		switch m := y[i] / x[i]; {
		case y[i] == 0:
			dropped++
			if dx[i] != 0 {
				t.Fatalf("element %d dropped forward but has gradient %v", i, dx[i])
			}
		case math.Abs(m-1/(1-rate)) > 1e-12:
			t.Fatalf("element %d kept with scale %v, want %v", i, m, 1/(1-rate))
		case math.Abs(dx[i]-dy[i]/(1-rate)) > 1e-12:
			t.Fatalf("element %d: dx %v, want dy/(1−rate) = %v", i, dx[i], dy[i]/(1-rate))
		}
	}
	// Binomial(4000, 0.25): mean 1000, sd 27; 5 sd either way.
	if dropped < 865 || dropped > 1135 {
		t.Errorf("dropped %d of %d, want about %d", dropped, n, int(rate*n))
	}
	_, again, _ := run(&Mode{Training: true}, 1)
	_, other, _ := run(&Mode{Training: true}, 2)
	same, differ := true, false
	for i := range y {
		same = same && again[i] == y[i]
		differ = differ || other[i] != y[i]
	}
	if !same || !differ {
		t.Errorf("the same seed gave the same masks: %v (want true); another seed gave other masks: %v (want true)", same, differ)
	}

	x, y, dx = run(&Mode{Training: false}, 1)
	for i := range x {
		if y[i] != x[i] || dx[i] != dy[i] {
			t.Fatalf("evaluation: element %d: y %v dx %v, want x %v dy %v", i, y[i], dx[i], x[i], dy[i])
		}
	}
}
