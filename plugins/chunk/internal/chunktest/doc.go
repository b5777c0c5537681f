// Package chunktest is the property test every bundled chunker runs: random params
// (1–4 dimensions of 1–300, random groups) and random chunk sizes (1–512), drawn from a
// seeded math/rand/v2 source, must give a layout that sdk.ChunkLayout.Validate accepts
// and that Flatten and Unflatten round-trip exactly. Each chunker adds its own rule's
// checks through a callback.
package chunktest
