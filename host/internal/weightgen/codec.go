package weightgen

import (
	"fmt"
	"math"
	"slices"

	"dnw/sdk"
)

// Codec turns LoRA vectors (the concatenation of the LoRA parameters in lora.Params
// order, as stage collect stores them) into the chunks the denoiser sees, and back.
//
// Normalization (saved with the model, inverted at prediction): every concept's LoRA
// starts from the same A (one seed for all) and B = 0, so the raw vectors share a
// large common part and differ by small, tensor-dependent amounts — A's entries are
// of order 1/√fan_in, B's start at zero. A chunk is therefore normalized per weight
// by the dataset's mean vector μ and per parameter tensor by the RMS s_p of the
// deviations from μ over the whole dataset: w' = (w − μ)/s_p. Each chunk holds whole
// runs of one group's tensors (the chunker's layout), so its weights are on the same
// unit scale whatever the layer, and the denoiser learns what distinguishes a concept
// rather than the shared initialization.
type Codec struct {
	Layout sdk.ChunkLayout
	Params []sdk.Param
	Mean   []float32 // μ, one per weight of the vector
	Scale  []float32 // s_p, one per parameter
}

// NewCodec computes the normalization of vectors (each of the layout's total size).
func NewCodec(layout sdk.ChunkLayout, params []sdk.Param, vectors [][]float32) (*Codec, error) {
	if err := layout.Validate(params); err != nil {
		return nil, err
	}
	size := 0
	for _, p := range params {
		size += p.Size()
	}
	if len(vectors) == 0 {
		return nil, fmt.Errorf("weightgen: no LoRA vectors to learn from")
	}
	c := &Codec{Layout: layout, Params: params, Mean: make([]float32, size), Scale: make([]float32, len(params))}
	for i, v := range vectors {
		if len(v) != size {
			return nil, fmt.Errorf("weightgen: vector %d has %d weights, the LoRA parameters %d", i, len(v), size)
		}
	}
	mean := make([]float64, size)
	for _, v := range vectors {
		for j, x := range v {
			mean[j] += float64(x)
		}
	}
	for j := range mean {
		mean[j] /= float64(len(vectors))
		c.Mean[j] = float32(mean[j])
	}
	off := 0
	for p, param := range params {
		var ss float64
		for _, v := range vectors {
			for j := off; j < off+param.Size(); j++ {
				d := float64(v[j]) - mean[j]
				ss += d * d
			}
		}
		rms := math.Sqrt(ss / float64(len(vectors)*param.Size()))
		if rms == 0 || math.IsNaN(rms) {
			rms = 1 // every vector agrees on this tensor: nothing to scale
		}
		c.Scale[p] = float32(rms)
		off += param.Size()
	}
	return c, nil
}

// Chunks returns the layout's Len() values of v normalized and cut into chunks
// (chunk n at [n·b, (n+1)·b)); padding positions are zero.
func (c *Codec) Chunks(v []float32) []float32 {
	parts := c.split(slices.Clone(v))
	off := 0
	for p, part := range parts {
		for j := range part {
			part[j] = (part[j] - c.Mean[off+j]) / c.Scale[p]
		}
		off += len(part)
	}
	out := make([]float32, c.Layout.Len())
	c.Layout.Flatten(out, parts)
	return out
}

// Vector inverts Chunks: the LoRA vector of normalized chunks (padding ignored).
func (c *Codec) Vector(chunks []float32) []float32 {
	v := make([]float32, len(c.Mean))
	parts := c.split(v)
	c.Layout.Unflatten(parts, chunks)
	off := 0
	for p, part := range parts {
		for j := range part {
			part[j] = part[j]*c.Scale[p] + c.Mean[off+j]
		}
		off += len(part)
	}
	return v
}

// split returns views of v's runs, one per parameter, in parameter order.
func (c *Codec) split(v []float32) [][]float32 {
	parts := make([][]float32, len(c.Params))
	off := 0
	for p, param := range c.Params {
		parts[p] = v[off : off+param.Size() : off+param.Size()]
		off += param.Size()
	}
	return parts
}
