package engine

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"dnw/kernels"
)

// Adam is the optimizer of every training loop: torch.optim.Adam (eps 1e-8, β2 0.999)
// over the float32 values of a model's trainable nodes, updated in place by
// kernels.AdamW; with WeightDecay > 0 it is torch.optim.AdamW (decoupled decay). It replaces gorgonia's AdamSolver, which clones every
// gradient and moment on each step (a tenth of a GAN step's time in the profile)
// and overwrites the gradients it reads.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	WeightDecay           float64 // AdamW's decoupled decay; 0 for Adam

	step    int
	moments map[*G.Node][2][]float32 // first and second moment of each node
}

// NewAdam returns Adam with torch's defaults but for the learning rate and β1
// (pix2pix trains with lr 2e-4 and β1 0.5).
func NewAdam(lr, beta1 float64) *Adam {
	return &Adam{LR: lr, Beta1: beta1, Beta2: 0.999, Eps: 1e-8, moments: map[*G.Node][2][]float32{}}
}

// Step applies one update to every node from the gradient its machine computed,
// then zeroes that gradient.
func (a *Adam) Step(nodes G.Nodes) error {
	a.step++
	for _, n := range nodes {
		grad, err := n.Grad()
		if err != nil {
			return fmt.Errorf("engine: Adam: gradient of %s: %w", n.Name(), err)
		}
		p, pok := n.Value().Data().([]float32)
		g, gok := grad.Data().([]float32)
		if !pok || !gok {
			return fmt.Errorf("engine: Adam: %s is not float32", n.Name())
		}
		mv, ok := a.moments[n]
		if !ok {
			mv = [2][]float32{make([]float32, len(p)), make([]float32, len(p))}
			a.moments[n] = mv
		}
		kernels.AdamW(p, mv[0], mv[1], g, a.step, a.LR, a.Beta1, a.Beta2, a.Eps, a.WeightDecay)
		clear(g) // the machine adds the next step's gradient to the bound one
	}
	return nil
}
