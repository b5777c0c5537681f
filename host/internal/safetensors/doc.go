// Package safetensors reads and writes the safetensors file format
// (github.com/huggingface/safetensors), the ecosystem's standard for model weights, so
// that a PyTorch or NumPy user can open dnw's checkpoints directly.
//
// A file is an 8-byte little-endian header length N, N bytes of JSON mapping each
// tensor name to its dtype, shape and [begin, end) byte offsets into the data that
// follows (plus an optional "__metadata__" map of strings), then the tensors' bytes,
// little-endian and row-major. dnw writes float32 tensors ("F32") in name order and
// pads the header with spaces to a multiple of 8 bytes, as the reference
// implementation does; it reads F32, F64, I64 and I32 tensors, and rejects any header
// whose offsets overlap, leave gaps, or disagree with the shapes.
package safetensors
