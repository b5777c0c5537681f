// Command ssim is dnw's SSIM metric as a WASM extension: the mean structural
// similarity index of a batch (Wang et al., "Image quality assessment: from error
// visibility to structural similarity", IEEE TIP 2004) with an 11×11 Gaussian
// window of σ = 1.5, K1 = 0.01, K2 = 0.03, images mapped from [-1, 1] to [0, 1]
// (L = 1), per channel over the valid positions (no padding, as pytorch-msssim
// does), averaged over positions, channels and images. Images smaller than the
// window use a window of their smaller side, made odd. Higher is better; identical
// images score 1. It equals the host's reference (host/internal/metrics.SSIM,
// whose doc comment states the definition) within 1e-5.
package main
