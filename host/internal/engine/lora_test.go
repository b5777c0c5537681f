package engine

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/plugins/arch/e2gan"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/sdk"
	"dnw/sdk/ir"
)

func tinyE2GAN(t *testing.T) ir.Graph {
	t.Helper()
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	return m.Generator
}

func feed(m *Model, rng *rand.Rand) []float32 {
	src := make([]float32, 2*3*16*16)
	for i := range src {
		src[i] = float32(rng.Float64()*2 - 1)
	}
	G.Let(m.Inputs["source"], tensor.New(tensor.WithShape(2, 3, 16, 16), tensor.WithBacking(src)))
	return src
}

func TestLoRAStartsAsTheBaseModel(t *testing.T) {
	g := tinyE2GAN(t)
	p, err := e2ganpaper.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	outputs := make([][]float32, 2)
	for i, build := range []func() (*Model, error){
		func() (*Model, error) { return Compile(g, 2, 5) },
		func() (*Model, error) { return CompileLoRA(g, 2, 5, p, 9) },
	} {
		m, err := build()
		if err != nil {
			t.Fatal(err)
		}
		feed(m, rand.New(rand.NewPCG(1, 1)))
		vm := G.NewTapeMachine(m.G)
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		outputs[i] = slices.Clone(m.Outputs[0].Value().Data().([]float32))
		vm.Close()
	}
	if !slices.Equal(outputs[0], outputs[1]) {
		t.Error("with B = 0 the LoRA model's output differs from the base model's")
	}
}

func TestLoRATrainsOnlyAdaptersAndAllowedNorms(t *testing.T) {
	g := tinyE2GAN(t)
	for _, trainNorms := range []bool{false, true} {
		p, err := e2ganpaper.New().Place(context.Background(), g, sdk.Options{"train_norms": trainNorms})
		if err != nil {
			t.Fatal(err)
		}
		m, err := CompileLoRA(g, 2, 5, p, 9)
		if err != nil {
			t.Fatal(err)
		}
		before := map[string][]float32{}
		for name, n := range m.Params {
			before[name] = slices.Clone(n.Value().Data().([]float32))
		}
		src := feed(m, rand.New(rand.NewPCG(2, 2)))
		tgt := make([]float32, len(src))
		for i := range tgt {
			tgt[i] = -src[i]
		}
		target := G.NewTensor(m.G, tensor.Float32, 4, G.WithShape(2, 3, 16, 16), G.WithName("target"),
			G.WithValue(tensor.New(tensor.WithShape(2, 3, 16, 16), tensor.WithBacking(tgt))))
		loss := G.Must(G.Mean(G.Must(G.Abs(G.Must(G.Sub(m.Outputs[0], target))))))
		if _, err := G.Grad(loss, m.Trainable...); err != nil {
			t.Fatal(err)
		}
		vm := G.NewTapeMachine(m.G, G.BindDualValues(m.Trainable...))
		solver := NewAdam(1e-2, 0.5)
		var first, last float32
		for step := range 30 {
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			if step == 0 {
				first = loss.Value().Data().(float32)
			}
			last = loss.Value().Data().(float32)
			solver.Step(m.Trainable)
			vm.Reset()
		}
		vm.Close()
		normsChanged := 0
		for name, n := range m.Params {
			changed := !slices.Equal(before[name], n.Value().Data().([]float32))
			trainable := slices.Contains(m.Trainable, n)
			if changed && !trainable {
				t.Errorf("train_norms %v: frozen parameter %s changed", trainNorms, name)
			}
			if changed {
				normsChanged++
			}
		}
		if trainNorms != (normsChanged > 0) {
			t.Errorf("train_norms %v: %d norm parameters changed", trainNorms, normsChanged)
		}
		if wantLoRA := 2 * len(p.Layers); len(m.LoRA) != wantLoRA {
			t.Errorf("%d LoRA tensors for %d layers", len(m.LoRA), len(p.Layers))
		}
		if !(last < first) {
			t.Errorf("train_norms %v: L1 %v → %v did not fall", trainNorms, first, last)
		}
		t.Logf("train_norms %v: L1 %.4f → %.4f, %d trainable tensors", trainNorms, first, last, len(m.Trainable))
	}
}
