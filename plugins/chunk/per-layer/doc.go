// Package perlayer is the chunker chunk.per-layer, the rule of Gong et al., "Efficient
// Training with Denoised Neural Weights" (ECCV 2024), §3.2: the LoRA weights are
// grouped per layer (a layer's LoRA down and up tensors, and its norm parameters when
// those train), each layer's weights are concatenated and cut into chunks of b weights,
// and the last chunk of each layer is zero-padded, so that a chunk never mixes layers
// and the weight generator can tell chunks apart by a block-index embedding.
package perlayer
