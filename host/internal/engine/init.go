package engine

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"dnw/sdk/ir"
)

// InitParam fills dst with parameter p's initial values, following its IR init rule.
// Each parameter draws from its own stream, seeded by seed and its name, so a
// parameter's values do not depend on which other parameters a graph has or in which
// order they are initialized.
//
// Fan-in is the product of all dimensions but the first, fan-out the first dimension
// times the receptive field (all dimensions after the second), as in PyTorch's
// torch.nn.init; a gain of 0 means 1.
func InitParam(dst []float32, p ir.Param, seed uint64) error {
	if n := size(p.Shape); n != len(dst) {
		return fmt.Errorf("engine: param %s: shape %v holds %d values, dst has %d", p.Name, p.Shape, n, len(dst))
	}
	h := fnv.New64a()
	h.Write([]byte(p.Name))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	gain := p.Init.Gain
	if gain == 0 {
		gain = 1
	}
	fanIn, fanOut := fans(p.Shape)
	switch p.Init.Kind {
	case ir.InitZeros:
		clear(dst)
	case ir.InitOnes:
		for i := range dst {
			dst[i] = 1
		}
	case ir.InitNormal:
		for i := range dst {
			dst[i] = float32(rng.NormFloat64() * p.Init.Std)
		}
	case ir.InitKaimingUniform:
		uniform(dst, rng, gain*math.Sqrt(3/float64(fanIn)))
	case ir.InitXavierUniform:
		uniform(dst, rng, gain*math.Sqrt(6/float64(fanIn+fanOut)))
	default:
		return fmt.Errorf("engine: param %s: unknown init %q", p.Name, p.Init.Kind)
	}
	return nil
}

// uniform fills dst from U(−bound, bound).
func uniform(dst []float32, rng *rand.Rand, bound float64) {
	for i := range dst {
		dst[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

// fans returns PyTorch's fan-in and fan-out of a weight shape.
func fans(shape []int) (in, out int) {
	if len(shape) == 0 {
		return 1, 1
	}
	receptive := 1
	for _, d := range shape[min(2, len(shape)):] {
		receptive *= d
	}
	in = receptive
	if len(shape) > 1 {
		in *= shape[1]
	}
	return in, shape[0] * receptive
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
