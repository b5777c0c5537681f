package engine

import (
	"fmt"
	"runtime"

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

// closeMachine releases a machine from newMachine. Gorgonia's tape machine carries a
// finalizer, and the Go runtime never collects an object with a finalizer that sits
// on a reference cycle (runtime.SetFinalizer's documentation); a machine easily does,
// through an op that points back into the struct holding it (the GAN's read of its
// fake batch), and then it keeps its whole graph alive: 220 MB per concept in stage
// collect until the process ran out of memory. Close has done the finalizer's work,
// so the finalizer is cleared and the machine is freed like any value.
func closeMachine(vm G.VM) {
	vm.Close()
	runtime.SetFinalizer(vm, nil)
}
