// Package scaledlinear is the noise schedule schedule.scaled-linear of Stable
// Diffusion (Rombach et al., "High-Resolution Image Synthesis with Latent Diffusion
// Models", CVPR 2022; diffusers' beta_schedule "scaled_linear"): √β_t rises linearly
// from √0.00085 to √0.012, so β_t = linspace(√β_start, √β_end, T)², and
// ᾱ_t = ∏_{s ≤ t} (1 − β_s). It adds noise more slowly early on than schedule.linear.
package scaledlinear
