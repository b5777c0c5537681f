// Package cut is the step every bundled chunker shares: given the params grouped by
// the chunker's rule, it concatenates each group's weights (params in the group's
// order, each row-major) and cuts them into chunks of b weights, zero-padding the last
// chunk of each group, so that no chunk mixes groups (Gong et al., "Efficient Training
// with Denoised Neural Weights", ECCV 2024, §3.2). The chunkers differ only in how they
// group: per layer, per tensor, or all in one.
package cut
