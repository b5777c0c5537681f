// Package tables is what every bundled noise schedule shares: resolving its options,
// checking the number of timesteps, and turning a sequence of β_t or of ᾱ_t into
// sdk.ScheduleTables (ᾱ_t, α_t = √ᾱ_t, σ_t = √(1 − ᾱ_t); Ho et al., "Denoising
// Diffusion Probabilistic Models", NeurIPS 2020, eq. 4), refusing tables a sampler
// cannot use: ᾱ must fall strictly and stay in (0, 1], since the host recovers
// w_0 = (w_t − σ_t·ε)/α_t and divides by α_t.
package tables
