package engine

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestAdamMatchesGorgoniasSolver trains the same least-squares problem with Adam
// and with gorgonia's AdamSolver (an independent implementation of the same
// algorithm) for five steps: the weights must agree to float32 rounding.
func TestAdamMatchesGorgoniasSolver(t *testing.T) {
	train := func(step func(G.Nodes) error) []float32 {
		g := G.NewGraph()
		x := G.NewMatrix(g, tensor.Float32, G.WithShape(4, 3), G.WithName("x"),
			G.WithValue(tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]float32{1, 2, 3, -1, 0, 2, 0.5, 0.5, -2, 3, 1, 0}))))
		w := G.NewMatrix(g, tensor.Float32, G.WithShape(3, 2), G.WithName("w"),
			G.WithValue(tensor.New(tensor.WithShape(3, 2), tensor.WithBacking([]float32{0.1, -0.2, 0.3, 0.4, -0.5, 0.6}))))
		loss := G.Must(G.Mean(G.Must(G.Square(G.Must(G.Mul(x, w))))))
		if _, err := G.Grad(loss, w); err != nil {
			t.Fatal(err)
		}
		vm := G.NewTapeMachine(g, G.BindDualValues(w))
		defer vm.Close()
		for range 5 {
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			if err := step(G.Nodes{w}); err != nil {
				t.Fatal(err)
			}
			vm.Reset()
		}
		return append([]float32(nil), w.Value().Data().([]float32)...)
	}
	ours := train(NewAdam(0.05, 0.5).Step)
	solver := G.NewAdamSolver(G.WithLearnRate(0.05), G.WithBeta1(0.5))
	theirs := train(func(n G.Nodes) error { return solver.Step(G.NodesToValueGrads(n)) })
	for i := range ours {
		if math.Abs(float64(ours[i]-theirs[i])) > 1e-6 {
			t.Fatalf("w[%d] = %v, gorgonia's solver %v (all: %v vs %v)", i, ours[i], theirs[i], ours, theirs)
		}
	}
	if ours[0] == 0.1 {
		t.Fatal("Adam did not move the weights")
	}
}
