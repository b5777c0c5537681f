package e2ganpaper_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"dnw/plugins/arch/e2gan"
	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/sdk"
	"dnw/sdk/ir"
	"dnw/sdk/sdktest"
)

func generator(t *testing.T, arch sdk.Architecture, opts sdk.Options) ir.Graph {
	t.Helper()
	m, err := arch.Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return m.Generator
}

func names(t *testing.T, g ir.Graph, p sdk.Placement, rank int, alpha float64) string {
	t.Helper()
	var out []string
	for _, l := range p.Layers {
		n, ok := g.Node(l.Node)
		if !ok || n.Op != ir.OpConv2d && n.Op != ir.OpLinear {
			t.Errorf("layer %s: node %v, op %s; want a conv2d or linear of the graph", l.Node, ok, n.Op)
		}
		if l.Rank != rank || l.Alpha != alpha {
			t.Errorf("layer %s: rank %d alpha %v, want %d, %v", l.Node, l.Rank, l.Alpha, rank, alpha)
		}
		out = append(out, l.Node)
	}
	return strings.Join(out, " ")
}

const (
	down  = "down1 down2"
	ds    = "ds1.conv1 ds1.conv2 ds2.conv1 ds2.conv2"
	trans = "transformer.attn.q transformer.attn.k transformer.attn.v transformer.attn.out transformer.mlp.fc1 transformer.mlp.fc2"
	us    = "us1.conv1 us1.conv2"
	up    = "up1 up2"
)

func TestInfo(t *testing.T) {
	if err := e2ganpaper.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(e2ganpaper.New()); err != nil {
		t.Fatal(err)
	}
}

func TestFivePlacesOnE2GAN(t *testing.T) {
	g := generator(t, e2gan.New(), nil)
	p, err := e2ganpaper.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(t, g, p, 4, 4), strings.Join([]string{down, ds, trans, us, up}, " "); got != want {
		t.Errorf("layers\n got %s\nwant %s", got, want)
	}
	if len(p.Layers) != 16 || !p.TrainNorms {
		t.Errorf("%d layers, train norms %v; want 16, true", len(p.Layers), p.TrainNorms)
	}
}

func TestPlacesOptionAndRank(t *testing.T) {
	g := generator(t, e2gan.New(), nil)
	for _, c := range []struct {
		opts sdk.Options
		want string
		rank int
		a    float64
	}{
		{sdk.Options{"places": []string{"transformer"}}, trans, 4, 4},
		{sdk.Options{"places": []any{"downsample", "ds", "transformer", "upsample"}, "rank": int64(8)}, strings.Join([]string{down, ds, trans, up}, " "), 8, 4},
		{sdk.Options{"places": []string{"us", "ds"}, "alpha": 1.5, "rank": 2}, ds + " " + us, 2, 1.5},
	} {
		p, err := e2ganpaper.New().Place(context.Background(), g, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(t, g, p, c.rank, c.a); got != c.want {
			t.Errorf("%v: layers\n got %s\nwant %s", c.opts, got, c.want)
		}
	}
	p, _ := e2ganpaper.New().Place(context.Background(), g, sdk.Options{"train_norms": false})
	if p.TrainNorms {
		t.Error("train_norms false was ignored")
	}
}

func TestCrossAttentionIsPartOfTheTransformerPlace(t *testing.T) {
	g := generator(t, e2gan.New(), sdk.Options{"cross_attention": true})
	p, err := e2ganpaper.New().Place(context.Background(), g, sdk.Options{"places": []string{"transformer"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Layers) != 10 {
		t.Errorf("%d transformer layers with cross-attention, want 6 + 4", len(p.Layers))
	}
}

func TestOnPix2pixOnlyDownAndUpsample(t *testing.T) {
	g := generator(t, pix2pixunet.New(), nil)
	p, err := e2ganpaper.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p.Layers); got != 6+5+1 {
		t.Errorf("%d layers, want the 6 encoder and 6 decoder convs", got)
	}
	_, err = e2ganpaper.New().Place(context.Background(), g, sdk.Options{"places": []string{"transformer", "ds"}})
	if err == nil || !strings.Contains(err.Error(), "lora.e2gan-paper: graph generator: selects no node") {
		t.Errorf("err = %v", err)
	}
}

func TestBadOptionsAndEmptySelection(t *testing.T) {
	g := generator(t, e2gan.New(), nil)
	for _, c := range []struct {
		opts sdk.Options
		has  string
	}{
		{sdk.Options{"rank": int64(0)}, "lora.e2gan-paper: option rank: 0 is out of range"},
		{sdk.Options{"alpha": -1.0}, "option alpha: -1 is out of range"},
		{sdk.Options{"places": []string{"mlp"}}, `option places: element 0: "mlp" is not one of downsample, ds, transformer, us, upsample`},
		{sdk.Options{"places": []string{}}, "lora.e2gan-paper: graph generator: selects no node: the graph has no place to select (option places is empty)"},
	} {
		_, err := e2ganpaper.New().Place(context.Background(), g, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.has) {
			t.Errorf("%v: err = %v, want %q", c.opts, err, c.has)
		}
	}
	bad := g
	bad.Outputs = nil
	if _, err := e2ganpaper.New().Place(context.Background(), bad, nil); err == nil || !strings.Contains(err.Error(), "no outputs") {
		t.Errorf("an invalid graph: err = %v", err)
	}
}

func TestPlaceOverGRPC(t *testing.T) {
	g := generator(t, e2gan.New(), nil)
	pl := sdktest.Connect(t, e2ganpaper.New()).(sdk.LoRAPlacement)
	opts := sdk.Options{"places": []any{"ds", "us"}, "rank": int64(2)}
	got, err := pl.Place(context.Background(), g, opts)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := e2ganpaper.New().Place(context.Background(), g, opts)
	if !reflect.DeepEqual(got, want) || len(got.Layers) != 6 {
		t.Errorf("over gRPC %+v, in process %+v", got, want)
	}
}
