// Command l1 is dnw's built-in L1 metric as a WASM extension: the mean absolute
// difference of a batch's values, pix2pix's reconstruction term (lower is better).
// It equals the host's reference (host/internal/metrics) within 1e-5.
package main
