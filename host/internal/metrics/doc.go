// Package metrics holds the native Go references of dnw's built-in metric
// extensions (plugins/ext: psnr, l1, ssim, frd): plain float64 implementations of
// each definition, written independently of the guests, that the extensions must
// equal within 1e-5 and that the benchmark measures WASM against. The pipeline
// itself scores through the extensions (host/internal/extensions).
package metrics
