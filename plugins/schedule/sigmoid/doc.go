// Package sigmoid is the noise schedule schedule.sigmoid, introduced by Jabri, Fleet &
// Chen, "Scalable Adaptive Computation for Iterative Generation" (2022), in the form of
// Chen, "On the Importance of Noise Scheduling for Diffusion Models" (2023),
// Algorithm 1 (sigmoid_schedule), with u = t/T in (0, 1]:
//
//	ᾱ_t = clip((v_end − sig((u·(end − start) + start)/τ)) / (v_end − v_start), 1e-9, 1),
//	v_start = sig(start/τ),  v_end = sig(end/τ),  sig(x) = 1/(1 + e^(−x)),
//
// with start = −3, end = 3, τ = 1 and clip_min = 1e-9 as in Algorithm 1. The sigmoid's
// span [start, end] and temperature τ shape how fast noise rises in the middle of the
// process; ᾱ_T is the clip, 1e-9.
package sigmoid
