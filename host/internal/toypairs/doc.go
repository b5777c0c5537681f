// Package toypairs is a small built-in paired image task: procedural scenes as
// sources, and a handful of simple edits as the "concepts" that turn them into
// targets. It drives the base stage until the data stages (concepts, pairs) provide
// real concept data, and gives the engine's tests a task with structure to learn.
package toypairs
