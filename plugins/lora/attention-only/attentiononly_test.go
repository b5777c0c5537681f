package attentiononly_test

import (
	"context"
	"strings"
	"testing"

	"dnw/plugins/arch/e2gan"
	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	attentiononly "dnw/plugins/lora/attention-only"
	"dnw/sdk"
	"dnw/sdk/ir"
)

func generator(t *testing.T, arch sdk.Architecture, opts sdk.Options) ir.Graph {
	t.Helper()
	m, err := arch.Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	return m.Generator
}

func layers(t *testing.T, g ir.Graph, p sdk.Placement) string {
	t.Helper()
	var out []string
	for _, l := range p.Layers {
		if n, _ := g.Node(l.Node); n.Op != ir.OpLinear {
			t.Errorf("layer %s on a %s", l.Node, n.Op)
		}
		out = append(out, l.Node)
	}
	return strings.Join(out, " ")
}

func TestInfo(t *testing.T) {
	if err := attentiononly.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(attentiononly.New()); err != nil {
		t.Fatal(err)
	}
}

func TestProjectionsOfE2GAN(t *testing.T) {
	g := generator(t, e2gan.New(), nil)
	p, err := attentiononly.New().Place(context.Background(), g, sdk.Options{"rank": int64(16), "train_norms": true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := layers(t, g, p), "transformer.attn.q transformer.attn.k transformer.attn.v transformer.attn.out"; got != want {
		t.Errorf("layers %s, want %s", got, want)
	}
	if p.Layers[0].Rank != 16 || p.Layers[0].Alpha != 4 || !p.TrainNorms {
		t.Errorf("options not applied: %+v, train norms %v", p.Layers[0], p.TrainNorms)
	}
	g = generator(t, e2gan.New(), sdk.Options{"cross_attention": true})
	p, err = attentiononly.New().Place(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "transformer.attn.q transformer.attn.k transformer.attn.v transformer.attn.out " +
		"transformer.cross.q transformer.cross.k transformer.cross.v transformer.cross.out"
	if got := layers(t, g, p); got != want || p.TrainNorms {
		t.Errorf("layers %s, train norms %v; want %s, false", got, p.TrainNorms, want)
	}
}

func TestNothingToAdaptOnPix2pix(t *testing.T) {
	g := generator(t, pix2pixunet.New(), nil)
	_, err := attentiononly.New().Place(context.Background(), g, nil)
	want := "lora.attention-only: graph generator: selects no node: the graph has no linear node tagged transformer and attn.q, attn.k, attn.v or attn.out"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
