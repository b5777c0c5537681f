// Package global is the chunker chunk.global: every param concatenated into one vector
// (the whole LoRA vector, params in order, each row-major) and cut into chunks of b
// weights, only the final chunk zero-padded. Chunks may straddle layers. It is the
// ablation of the per-layer rule of Gong et al., "Efficient Training with Denoised
// Neural Weights" (ECCV 2024), §3.2: the least padding, at the price of chunks that mix
// layers of different statistics.
package global
