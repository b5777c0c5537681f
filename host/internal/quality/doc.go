// Package quality measures how fast fine-tunes reach a quality target: the comparison
// behind the paper's headline (Gong et al., ECCV 2024: 15× faster than Pix2pix, 4.6×
// faster than E2GAN, to the same quality). Per held-out concept it takes each
// method's curve of (step, seconds, metric), sets the targets — the final metric of
// training from scratch at its full budget, and the best final metric of any method
// but the generated one — and finds when each method first reaches them; across
// concepts it gives means and medians with bootstrap 95% intervals.
package quality
