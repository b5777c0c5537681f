// Command pair-quality is dnw's built-in pair filter (filters.pairs) as a WASM
// extension: it drops degenerate training pairs, whose target teaches nothing —
// a target (nearly) equal to its source, a flat target, or values that are not
// finite or lie outside [-1, 1].
package main
