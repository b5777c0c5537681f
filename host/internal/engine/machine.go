package engine

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// newMachine compiles the part of g that outputs depend on, and nothing else, into a
// tape machine that binds the gradients of bind. gorgonia's symbolic differentiation
// adds a gradient node for every input of every op on a path to the loss — the frozen
// discriminator's weight gradients in the generator step, a LoRA model's base-weight
// gradients — and a machine of the whole graph would compute them on every step only
// to throw them away (an eighth of a GAN step's convolution work).
func newMachine(g *G.ExprGraph, outputs, bind G.Nodes) (G.VM, error) {
	sub := g.ExactSubgraphRoots(outputs...)
	prog, locMap, err := G.CompileFunction(g, sub.Inputs(), outputs)
	if err != nil {
		return nil, fmt.Errorf("engine: compiling the step: %w", err)
	}
	return G.NewTapeMachine(g, G.WithPrecompiled(prog, locMap), G.BindDualValues(bind...)), nil
}
