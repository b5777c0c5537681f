// Command psnr is dnw's built-in PSNR metric as a WASM extension: the peak
// signal-to-noise ratio in dB of a batch, 10·log10(1/MSE) over all its values with
// [-1, 1] mapped to [0, 1]. It equals the host's reference (host/internal/metrics)
// within 1e-5, capped at 100 dB for identical batches.
package main
