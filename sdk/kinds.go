package sdk

import (
	"context"

	"dnw/sdk/ir"
)

// Every plugin describes itself.
type Plugin interface {
	Info() Info
}

// Architecture builds the generator and discriminator of an image-to-image GAN as arch
// IR graphs. The host compiles and runs them; the plugin never touches tensors.
type Architecture interface {
	Plugin
	Build(ctx context.Context, req ArchRequest) (ir.Model, error)
}

// ArchRequest sizes an architecture.
type ArchRequest struct {
	ImageSize int     // side of the square input and output images, in pixels
	Channels  int     // image channels (3 for RGB)
	Options   Options // resolved against Info().Options
}

// LoRAPlacement chooses which layers of a generator receive LoRA.
type LoRAPlacement interface {
	Plugin
	Place(ctx context.Context, g ir.Graph, opts Options) (Placement, error)
}

// Placement is where LoRA goes: one entry per adapted node (a conv2d or linear).
type Placement struct {
	Layers     []LoRALayer
	TrainNorms bool // whether the norm layers' parameters train along with LoRA
}

// LoRALayer adapts one node: ΔW = (Alpha/Rank)·B·A.
type LoRALayer struct {
	Node  string
	Rank  int
	Alpha float64
}

// Chunker lays out LoRA parameters as chunks of ChunkSize weights.
type Chunker interface {
	Plugin
	Layout(ctx context.Context, params []Param, chunkSize int, opts Options) (ChunkLayout, error)
}

// Param is one LoRA (or norm) parameter tensor, in the order of the LoRA vector.
type Param struct {
	Name  string
	Shape []int
	Group string // the layer it belongs to, e.g. the adapted node's name
}

// Size is the number of weights of the parameter.
func (p Param) Size() int {
	n := 1
	for _, d := range p.Shape {
		n *= d
	}
	return n
}

// ChunkLayout maps chunks to parameters. Chunk n holds Segments, each copying Len
// weights of parameter Param from offset Offset (row-major) to position At of the
// chunk; positions no segment covers are zero padding.
type ChunkLayout struct {
	ChunkSize int
	Groups    []string // names of the groups, in order
	Chunks    []Chunk
}

// Chunk is one chunk of the layout.
type Chunk struct {
	Group    int // index into ChunkLayout.Groups
	Segments []Segment
}

// Segment is a run of one parameter's weights inside a chunk.
type Segment struct {
	Param  int // index into the params given to Layout
	Offset int // first weight within the parameter
	At     int // first position within the chunk
	Len    int
}

// NoiseSchedule gives the diffusion tables for T timesteps.
type NoiseSchedule interface {
	Plugin
	Tables(ctx context.Context, timesteps int, opts Options) (ScheduleTables, error)
}

// ScheduleTables are indexed by t = 1..T at index t-1. With ᾱ_t the cumulative
// product of (1 − β_s) for s ≤ t, α_t = √ᾱ_t scales the signal and σ_t = √(1 − ᾱ_t)
// the noise: w_t = α_t·w_0 + σ_t·ε.
type ScheduleTables struct {
	AlphaBar []float64
	Alpha    []float64
	Sigma    []float64
}

// TextEncoder embeds prompts.
type TextEncoder interface {
	Plugin
	Encode(ctx context.Context, prompts []string, opts Options) (Embeddings, error)
}

// Embeddings are len(prompts) rows of Dim float32 values, row-major in Data.
type Embeddings struct {
	Dim  int
	Data []float32
}
