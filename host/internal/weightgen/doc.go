// Package weightgen is the weight generator of Gong et al., "Efficient Training with
// Denoised Neural Weights" (ECCV 2024): a diffusion model over chunks of LoRA weights,
// conditioned on the concept's prompt and on each chunk's position, that predicts a
// new concept's LoRA in a single denoising step.
//
//   - Data ⟨n, w_n, T⟩ (codec.go): a LoRA vector is normalized (the dataset's mean
//     vector, one scale per tensor) and cut into N chunks of b weights by the
//     configured chunker's layout; chunk n is trained with its index n and its
//     concept's prompt embedding τ(T).
//   - The denoiser ε̂θ(w_n^t, t, n, τ(T)) (denoiser.go): a 1-D UNet over the chunk as
//     an arch IR graph that the engine compiles, with the block-index embedding
//     emb_n = MLP(SinEnc(n)) added to the timestep embedding in every ResBlock and the
//     prompt in a transformer block's cross-attention.
//   - Training (model.go): ε-prediction with AdamW, cosine learning-rate decay, an
//     EMA of the weights and optional text dropout, over batches of (checkpoint, chunk,
//     timestep) draws.
//   - Prediction (predict.go): all N chunks in one batch, one step from w_{t*} ~
//     N(0, I) at the noise-biased timestep t*, or multi-step DDIM for ablations.
package weightgen
