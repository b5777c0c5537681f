// Package norm turns the `norm` option of the bundled architectures ("group",
// "instance", "batch", "layer") into IR norm nodes, so every architecture offers the
// same choices with the same meaning.
package norm
