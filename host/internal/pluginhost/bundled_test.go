package pluginhost

import (
	"context"
	"reflect"
	"testing"

	"dnw/sdk"
	"dnw/sdk/sdktest"
)

// TestEveryBundledPluginAgreesInProcessAndOverGRPC calls each bundled plugin three
// ways — directly, through sdktest's in-process gRPC, and as a real `dnw plugin serve`
// subprocess — and requires identical answers.
func TestEveryBundledPluginAgreesInProcessAndOverGRPC(t *testing.T) {
	kinds := map[sdk.Kind]int{}
	m := newManager(t)
	arch, err := Bundled("arch.e2gan")
	if err != nil {
		t.Fatal(err)
	}
	model, err := arch.(sdk.Architecture).Build(context.Background(), sdk.ArchRequest{ImageSize: 32, Channels: 3})
	if err != nil {
		t.Fatal(err)
	}
	exercise := func(t *testing.T, p sdk.Plugin) any {
		ctx := context.Background()
		var out any
		var err error
		switch p := p.(type) {
		case sdk.Architecture:
			out, err = p.Build(ctx, sdk.ArchRequest{ImageSize: 64, Channels: 3})
		case sdk.LoRAPlacement:
			out, err = p.Place(ctx, model.Generator, nil)
		case sdk.Chunker:
			out, err = p.Layout(ctx, []sdk.Param{
				{Name: "a.down", Shape: []int{4, 3, 3, 3}, Group: "a"},
				{Name: "a.up", Shape: []int{16, 4, 1, 1}, Group: "a"},
				{Name: "b.down", Shape: []int{4, 64}, Group: "b"},
			}, 64, nil)
		case sdk.NoiseSchedule:
			out, err = p.Tables(ctx, 1000, nil)
		case sdk.TextEncoder:
			out, err = p.Encode(ctx, []string{"sepia photograph", "old brown-toned photo", ""}, nil)
		default:
			t.Fatalf("%T has no kind", p)
		}
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, id := range BundledIDs() {
		t.Run(id, func(t *testing.T) {
			direct, _ := Bundled(id)
			kinds[direct.Info().Kind]++
			c, err := m.Start(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			inProcess := sdktest.Connect(t, direct)
			if !reflect.DeepEqual(c.Plugin.Info(), inProcess.Info()) {
				t.Errorf("Info differs between subprocess and sdktest:\n%+v\n%+v", c.Plugin.Info(), inProcess.Info())
			}
			want := exercise(t, direct)
			if got := exercise(t, inProcess); !reflect.DeepEqual(got, want) {
				t.Errorf("sdktest answer differs from the direct call")
			}
			if got := exercise(t, c.Plugin); !reflect.DeepEqual(got, want) {
				t.Errorf("subprocess answer differs from the direct call")
			}
		})
	}
	for _, k := range sdk.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no bundled plugin of kind %s", k)
		}
	}
}
