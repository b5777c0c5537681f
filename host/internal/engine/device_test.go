package engine

import (
	"math/rand/v2"
	"slices"
	"testing"

	"dnw/host/internal/device"
	"dnw/host/internal/engine/tape"
)

// These tests run the engine's device path (device.go) with the tape engine's CPU
// backend standing in for a GPU, so that the hand-over from the engine's types to
// the tape engine is checked on every machine: resuming, inference over a trained
// model, the moving average.

func onTapeCPU(t *testing.T) device.Name {
	t.Helper()
	old := openBackend
	openBackend = func(device.Name, string) (tape.Backend, error) { return tape.NewCPU(), nil }
	t.Cleanup(func() { openBackend = old })
	return device.Name{Kind: "cuda"}
}

func TestDeviceGANResumesExactly(t *testing.T) {
	dev := onTapeCPU(t)
	second := checkGANResumes(t, GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-3, Batch: 2, Device: dev})
	model := tinyPix2Pix(t)
	src, _ := tinyPairs(3, 2*3*16*16)
	// A generator over the trained model sees its weights and running statistics.
	gen, err := NewGenerator(model.Generator, 2, second.Gen)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	cpuGen, _ := NewGAN(model, nil, GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-3, Batch: 2}, 1)
	defer cpuGen.Close()
	if err := cpuGen.Gen.Load(second.Gen.Tensors()); err != nil {
		t.Fatal(err)
	}
	ref, _ := NewGenerator(model.Generator, 2, cpuGen.Gen)
	defer ref.Close()
	a, err := gen.Run(src)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ref.Run(src)
	for i := range a {
		if d := a[i] - b[i]; d > 1e-4 || d < -1e-4 {
			t.Fatalf("device generator output %d: %g, the CPU engine's %g", i, a[i], b[i])
		}
	}
}

func TestDeviceRegressionResumesWithItsAverage(t *testing.T) {
	dev := onTapeCPU(t)
	g := rowGraph(t)
	train := func(r *Regression, seed uint64, n int) []float64 {
		rng := rand.New(rand.NewPCG(seed, 1))
		var out []float64
		for range n {
			in, y := rowBatch(rng, 16)
			l, err := r.Step(in, y, nil)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, l)
		}
		return out
	}
	whole, err := NewRegression(g, 16, 5, NewAdam(1e-2, 0.9), 0.9, dev)
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	want := append(train(whole, 1, 4), train(whole, 2, 4)...)
	first, _ := NewRegression(g, 16, 5, NewAdam(1e-2, 0.9), 0.9, dev)
	defer first.Close()
	got := train(first, 1, 4)
	second, _ := NewRegression(g, 16, 5, NewAdam(1e-2, 0.9), 0.9, dev)
	defer second.Close()
	if err := second.Restore(first.State()); err != nil {
		t.Fatal(err)
	}
	got = append(got, train(second, 2, 4)...)
	if !slices.Equal(got, want) {
		t.Errorf("resumed losses %v, want %v", got, want)
	}
	if second.EMA.Updates != 8 {
		t.Errorf("average updated %d times, want 8", second.EMA.Updates)
	}
	avg, raw := whole.EMA.Tensors(whole.Model), whole.Model.Tensors()
	if slices.Equal(avg["out.weight"].Data, raw["out.weight"].Data) {
		t.Error("the averaged weights are the raw weights")
	}
	// The averaged model predicts through CompileOn and an inference graph.
	m, err := CompileOn(dev, g, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Load(avg); err != nil {
		t.Fatal(err)
	}
	f, err := NewInference(g, 16, m)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, _ := rowBatch(rand.New(rand.NewPCG(9, 9)), 16)
	if _, err := f.Run(in); err != nil {
		t.Fatal(err)
	}
}
