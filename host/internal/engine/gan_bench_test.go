package engine

import (
	"context"
	"math/rand/v2"
	"testing"

	"dnw/plugins/arch/e2gan"
	"dnw/sdk"
)

// BenchmarkGANStep is one generator + discriminator training step of arch.e2gan with
// its default options at batch 8, 64×64 (the target figure of the engine issue):
//
//	go test ./host/internal/engine -run '^$' -bench GANStep -benchtime 5x
func BenchmarkGANStep(b *testing.B) {
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3})
	if err != nil {
		b.Fatal(err)
	}
	g, err := NewGAN(m, nil, GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-4, Batch: 8}, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]float32, 8*3*64*64)
	tgt := make([]float32, len(src))
	for i := range src {
		src[i] = float32(rng.Float64()*2 - 1)
		tgt[i] = -src[i]
	}
	g.Step(src, tgt) // warm up: the first step allocates the machines' buffers
	for b.Loop() {
		if _, err := g.Step(src, tgt); err != nil {
			b.Fatal(err)
		}
	}
}
