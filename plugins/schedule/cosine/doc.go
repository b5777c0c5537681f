// Package cosine is the noise schedule schedule.cosine of Nichol & Dhariwal, "Improved
// Denoising Diffusion Probabilistic Models" (ICML 2021), §3.2, eq. 17:
//
//	ᾱ_t = f(t)/f(0),  f(t) = cos²(((t/T) + s)/(1 + s) · π/2),
//
// with β_t = 1 − ᾱ_t/ᾱ_{t−1} clipped to at most max_beta = 0.999 "to prevent
// singularities at the end of the diffusion process near t = T", and the tables rebuilt
// from the clipped β, as their code (and diffusers' "squaredcos_cap_v2") does.
package cosine
