package weightgen

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
