package sdk_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"dnw/sdk"
	"dnw/sdk/ir"
	"dnw/sdk/sdktest"
)

// echo plugins return what they were given, so a test can check that every field
// survives the trip through protobuf and gRPC.

type echoArch struct{ got sdk.ArchRequest }

func (*echoArch) Info() sdk.Info {
	return sdk.Info{ID: "arch.echo", Kind: sdk.KindArchitecture, Version: "1", Options: []sdk.OptionSpec{
		{Name: "width", Type: sdk.OptionInt, Default: int64(8), Min: sdk.Float(1)},
		{Name: "scales", Type: sdk.OptionFloats, Default: []float64{1, 2}},
		{Name: "norm", Type: sdk.OptionString, Default: "group", Enum: []string{"group", "batch"}},
	}}
}

var testGraph = ir.Graph{
	Name:    "g",
	Inputs:  []ir.Value{{Name: "x", Shape: []int{3, 8, 8}}},
	Outputs: []string{"c"},
	Nodes: []ir.Node{{Name: "c", Op: ir.OpConv2d, Inputs: []string{"x"}, Params: []string{"c.weight"},
		Attrs: ir.Attrs{Kernel: 3, Stride: 1, Padding: 1, Groups: 2, Heads: 3, Scale: 4, Slope: 0.2, Eps: 1e-5, Rate: 0.5, Height: 7, Width: 9},
		Tags:  []string{"downsample", "ds"}, Shape: []int{4, 8, 8}}},
	Params: []ir.Param{{Name: "c.weight", Shape: []int{4, 3, 3, 3}, Init: ir.Init{Kind: ir.InitNormal, Std: 0.02, Gain: 1.5}}},
}

func (e *echoArch) Build(_ context.Context, req sdk.ArchRequest) (ir.Model, error) {
	e.got = req
	return ir.Model{Version: ir.Version, Generator: testGraph, Discriminator: testGraph}, nil
}

type echoPlacement struct{}

func (echoPlacement) Info() sdk.Info {
	return sdk.Info{ID: "lora.echo", Kind: sdk.KindLoRAPlacement, Version: "1"}
}

func (echoPlacement) Place(_ context.Context, g ir.Graph, _ sdk.Options) (sdk.Placement, error) {
	return sdk.Placement{Layers: []sdk.LoRALayer{{Node: g.Nodes[0].Name, Rank: 4, Alpha: 2.5}}, TrainNorms: true}, nil
}

func TestArchitectureRoundTripsThroughGRPC(t *testing.T) {
	impl := &echoArch{}
	arch := sdktest.Connect(t, impl).(sdk.Architecture)
	if arch.Info().ID != "arch.echo" || len(arch.Info().Options) != 3 || arch.Info().Options[1].Default.([]float64)[1] != 2 {
		t.Fatalf("info %+v", arch.Info())
	}
	m, err := arch.Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3,
		Options: sdk.Options{"width": int64(16), "scales": []any{int64(1), 0.5}}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Generator, testGraph) || m.Version != ir.Version {
		t.Errorf("graph changed on the wire:\n got %+v\nwant %+v", m.Generator, testGraph)
	}
	want := sdk.Options{"width": int64(16), "scales": []float64{1, 0.5}, "norm": "group"}
	if impl.got.ImageSize != 64 || impl.got.Channels != 3 || !reflect.DeepEqual(impl.got.Options, want) {
		t.Errorf("plugin received %+v, want options %v", impl.got, want)
	}
}

func TestBadOptionsAreRejectedByThePlugin(t *testing.T) {
	arch := sdktest.Connect(t, &echoArch{}).(sdk.Architecture)
	_, err := arch.Build(context.Background(), sdk.ArchRequest{Options: sdk.Options{"widht": int64(3), "norm": "layer"}})
	if err == nil || !strings.Contains(err.Error(), "option norm: \"layer\" is not one of group, batch") ||
		!strings.Contains(err.Error(), "option widht: unknown option; did you mean width?") {
		t.Errorf("err = %v", err)
	}
}

func TestPlacementRoundTrip(t *testing.T) {
	p := sdktest.Connect(t, echoPlacement{}).(sdk.LoRAPlacement)
	got, err := p.Place(context.Background(), testGraph, nil)
	want := sdk.Placement{Layers: []sdk.LoRALayer{{Node: "c", Rank: 4, Alpha: 2.5}}, TrainNorms: true}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestCheckRefusesABadPlugin(t *testing.T) {
	type notAnArch struct{ echoPlacement }
	for _, p := range []sdk.Plugin{badInfo{sdk.Info{ID: "Arch.X", Kind: sdk.KindArchitecture, Version: "1"}},
		badInfo{sdk.Info{ID: "arch.x", Kind: sdk.KindChunker, Version: "1"}},
		badInfo{sdk.Info{ID: "arch.x", Kind: sdk.KindArchitecture, Version: "1"}}, // no Build
	} {
		if err := sdk.Check(p); err == nil {
			t.Errorf("Check accepted %+v", p.Info())
		}
	}
}

type badInfo struct{ info sdk.Info }

func (b badInfo) Info() sdk.Info { return b.info }
