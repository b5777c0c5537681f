package pipeline

import (
	"context"
	"dnw/host/internal/config"
	"dnw/host/internal/extensions"
	"slices"
	"testing"

	"dnw/host/internal/concepts"
	"dnw/host/internal/engine"
	"dnw/host/internal/imaging"
	"dnw/host/internal/lora"
	"dnw/host/internal/pairstore"
	"dnw/plugins/arch/e2gan"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/sdk"
)

// tinyFit is a ganFit of a small arch.e2gan at 16×16 from a random base model.
func tinyFit(t *testing.T) (ganFit, pairstore.Concept) {
	t.Helper()
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e2ganpaper.New().Place(context.Background(), m.Generator, nil)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := engine.Compile(m.Generator, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	disc, err := engine.Compile(m.Discriminator, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	psnr := testMetric(t, "psnr")
	f := ganFit{Model: m, Placement: &p, Base: gen.Tensors(), Disc: disc.Tensors(),
		GAN:   engine.GANConfig{Loss: "lsgan", LambdaL1: 100, LR: 2e-3, Batch: 2},
		Steps: 6, EvalEvery: 3, Keep: []int{4, 6}, Metric: psnr, Seed: 1}
	data, err := renderPairs(concepts.Concept{ID: "invert", Steps: []imaging.Step{{Edit: "invert"}}}, 16, 4, 2, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	return f, data
}

func TestLoRAFitKeepsVectorsAtTheirSteps(t *testing.T) {
	f, data := tinyFit(t)
	res, err := f.run(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := lora.Params(f.Model.Generator, *f.Placement)
	if len(res.Kept) != 2 || res.Kept[0].Step != 4 || res.Kept[1].Step != 6 {
		t.Fatalf("kept %+v", res.Kept)
	}
	for _, k := range res.Kept {
		if len(k.Vector) != lora.Size(params) {
			t.Errorf("step %d: vector of %d, want %d", k.Step, len(k.Vector), lora.Size(params))
		}
	}
	if slices.Equal(res.Kept[0].Vector, res.Kept[1].Vector) {
		t.Error("the LoRA vector did not change between kept steps")
	}
	var steps []float64
	for _, p := range res.Curve {
		steps = append(steps, p[0])
	}
	if !slices.Equal(steps, []float64{0, 3, 4, 6}) {
		t.Errorf("evaluated at steps %v, want 0, 3, 4, 6", steps)
	}
	again, err := f.run(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Kept[1].Vector, res.Kept[1].Vector) {
		t.Error("the same concept and seed gave another vector")
	}
}

// testMetric opens a built-in metric extension.
func testMetric(t testing.TB, name string) metric {
	t.Helper()
	cfg := config.Default()
	set := extensions.NewSet(&cfg)
	t.Cleanup(func() { set.Close(context.Background()) })
	x, err := set.Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return metric{Name: x.Info.Name, HigherIsBetter: x.Info.HigherIsBetter, ext: x}
}
