package weightgen

import (
	"fmt"

	"dnw/sdk"
)

// MinDrawsPerPair is the fewest times training should show the denoiser each
// (concept, chunk) pair. On a weight dataset exactly linear in the prompt, 100 draws
// per pair bring the one-step prediction for unseen prompts to 0.49 of the training
// mean's error, and 10 leave it at the mean (1.01;
// TestOneStepDefaultsBeatTheMeanOnLinearData): the last convolution starts at zero
// and Adam moves it by about the learning rate per step, so the output's amplitude
// forms slowly.
const MinDrawsPerPair = 100

// DrawsPerPair is how often, on average, steps of batch chunks drawn uniformly show
// the denoiser each (concept, chunk) pair: steps × batch / (concepts × chunks).
func DrawsPerPair(steps, batch, concepts, chunks int) float64 {
	if concepts*chunks == 0 {
		return 0
	}
	return float64(steps) * float64(batch) / (float64(concepts) * float64(chunks))
}

// MinOneStepAlpha is the smallest α_{t*} at which an ε-predicting denoiser may be
// read in one step: w₀ = (w_{t*} − σ·ε̂)/α divides ε̂'s error by α, 10× at 0.1 and
// 157× at the linear schedule's α_1000 = 0.0064. A v-predicting denoiser has no such
// division (w₀ = α·w_t − σ·F).
const MinOneStepAlpha = 0.1

// CheckOneStep refuses an ε-output denoiser read in one step at a t* where α is
// below MinOneStepAlpha.
func CheckOneStep(output, sampler string, tStar int, tables sdk.ScheduleTables) error {
	if output != OutputEpsilon || sampler != "one-step" || tStar < 1 || tStar > len(tables.Alpha) {
		return nil
	}
	if a := tables.Alpha[tStar-1]; a < MinOneStepAlpha {
		return fmt.Errorf("output %q read in one step at t* = %d divides the predicted noise's error by α_t* = %.3g (%.0f×); "+
			"use output = \"v\", or a t* where α_t ≥ %g", output, tStar, a, 1/a, MinOneStepAlpha)
	}
	return nil
}
