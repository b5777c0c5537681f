// Package report writes a run's results: results.json (its schema is
// docs/results.schema.json), report.md and a self-contained report.html (every
// image inlined, no external asset, so it opens offline), with a metric-against-seconds
// plot per held-out concept and the weight generator's loss curve as PNG.
package report
