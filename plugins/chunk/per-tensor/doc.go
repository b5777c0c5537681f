// Package pertensor is the chunker chunk.per-tensor: every param is its own group,
// cut into chunks of b weights with its last chunk zero-padded, so a chunk never mixes
// tensors (a layer's LoRA down and up matrices land in different chunks). It is the
// finer-grained ablation of the per-layer rule of Gong et al., "Efficient Training with
// Denoised Neural Weights" (ECCV 2024), §3.2: more padding, purer chunks.
package pertensor
