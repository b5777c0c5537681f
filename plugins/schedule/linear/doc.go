// Package linear is the noise schedule schedule.linear of Ho et al., "Denoising
// Diffusion Probabilistic Models" (NeurIPS 2020), §4: β_t rises linearly from
// β_1 = 1e-4 to β_T = 0.02, and ᾱ_t = ∏_{s ≤ t} (1 − β_s).
package linear
