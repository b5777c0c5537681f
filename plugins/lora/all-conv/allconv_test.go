package allconv_test

import (
	"context"
	"strings"
	"testing"

	"dnw/plugins/arch/e2gan"
	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	allconv "dnw/plugins/lora/all-conv"
	"dnw/sdk"
	"dnw/sdk/ir"
)

func generator(t *testing.T, arch sdk.Architecture) ir.Graph {
	t.Helper()
	m, err := arch.Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3})
	if err != nil {
		t.Fatal(err)
	}
	return m.Generator
}

func TestInfo(t *testing.T) {
	if err := allconv.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(allconv.New()); err != nil {
		t.Fatal(err)
	}
}

func TestEveryConvOfE2GAN(t *testing.T) {
	g := generator(t, e2gan.New())
	p, err := allconv.New().Place(context.Background(), g, sdk.Options{"rank": int64(3), "alpha": 6})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range p.Layers {
		if n, _ := g.Node(l.Node); n.Op != ir.OpConv2d || l.Rank != 3 || l.Alpha != 6 {
			t.Errorf("layer %+v on a %s", l, n.Op)
		}
		got = append(got, l.Node)
	}
	want := "stem down1 down2 ds1.conv1 ds1.conv2 ds2.conv1 ds2.conv2 us1.conv1 us1.conv2 up1 up2 head"
	if strings.Join(got, " ") != want || p.TrainNorms {
		t.Errorf("layers %v, train norms %v; want %s, false", got, p.TrainNorms, want)
	}
}

func TestEveryConvOfPix2pix(t *testing.T) {
	g := generator(t, pix2pixunet.New())
	p, err := allconv.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Layers) != 12 || p.Layers[0].Rank != 4 || p.Layers[0].Alpha != 4 {
		t.Errorf("%d layers, first %+v; want 12 of rank 4, alpha 4", len(p.Layers), p.Layers[0])
	}
}

func TestNoConvIsAnError(t *testing.T) {
	b := ir.NewBuilder("mlp")
	x := b.Input("tokens", 4, 8)
	g, err := b.Graph(b.Linear("fc", x, 8))
	if err != nil {
		t.Fatal(err)
	}
	_, err = allconv.New().Place(context.Background(), g, nil)
	if err == nil || err.Error() != "lora.all-conv: graph mlp: selects no node: the graph has no conv2d node" {
		t.Errorf("err = %v", err)
	}
	if _, err := allconv.New().Place(context.Background(), g, sdk.Options{"rank": 0.5}); err == nil {
		t.Error("a fractional rank was accepted")
	}
}
