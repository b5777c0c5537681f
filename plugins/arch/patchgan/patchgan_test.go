package patchgan

import (
	"slices"
	"strings"
	"testing"

	"dnw/sdk/ir"
)

func TestBuildScalesToTheImage(t *testing.T) {
	cases := []struct {
		size, layers, strides int
		logits                []int
	}{
		{256, 3, 3, []int{1, 30, 30}}, // pix2pix's 70×70 PatchGAN on 256×256
		{64, 3, 3, []int{1, 6, 6}},
		{32, 3, 3, []int{1, 2, 2}},
		{16, 3, 2, []int{1, 2, 2}}, // a third stride-2 conv would leave 2×2, then nothing
		{8, 3, 1, []int{1, 2, 2}},
		{128, 1, 1, []int{1, 62, 62}},
		{48, 5, 3, []int{1, 4, 4}},
	}
	for _, c := range cases {
		cfg := Config{Channels: 3, ImageSize: c.size, Width: 64, Layers: c.layers, Norm: "batch"}
		if got := cfg.Strides(); got != c.strides {
			t.Errorf("size %d layers %d: Strides = %d, want %d", c.size, c.layers, got, c.strides)
		}
		g, err := Build(cfg)
		if err != nil {
			t.Fatalf("size %d: %v", c.size, err)
		}
		out, _ := g.Node("logits")
		if !slices.Equal(g.Outputs, []string{"logits"}) || !slices.Equal(out.Shape, c.logits) {
			t.Errorf("size %d: outputs %v shape %v, want logits %v", c.size, g.Outputs, out.Shape, c.logits)
		}
		if len(g.Inputs) != 2 || !slices.Equal(g.Inputs[1].Shape, []int{3, c.size, c.size}) {
			t.Errorf("size %d: inputs %+v", c.size, g.Inputs)
		}
	}
}

func TestBuildMatchesPix2pix(t *testing.T) {
	g, err := Build(Config{Channels: 3, ImageSize: 256, Width: 64, Layers: 3, Norm: "batch"})
	if err != nil {
		t.Fatal(err)
	}
	// pix2pix's NLayerDiscriminator(6, 64, 3, BatchNorm2d) has 2,768,705 parameters.
	if got := g.NumParams(); got != 2768705 {
		t.Errorf("NumParams = %d, want pix2pix's 2768705", got)
	}
	var convs []string
	for _, n := range g.Nodes {
		if n.Op == ir.OpConv2d {
			convs = append(convs, n.Name)
			if p, _ := g.Param(n.Params[0]); p.Init != Init {
				t.Errorf("%s init %+v", n.Name, p.Init)
			}
		}
	}
	if strings.Join(convs, " ") != "conv1 conv2 conv3 conv4 logits" {
		t.Errorf("convs %v", convs)
	}
	c4, _ := g.Node("conv4")
	if c4.Attrs.Stride != 1 || c4.Shape[0] != 512 || len(c4.Params) != 1 {
		t.Errorf("conv4 %+v: want stride 1, 512 channels, no bias before batch norm", c4)
	}
	if len(g.Tagged("norm")) != 3 {
		t.Errorf("%d norm nodes, want 3", len(g.Tagged("norm")))
	}
}

func TestBuildRefusesTinyImages(t *testing.T) {
	_, err := Build(Config{Channels: 3, ImageSize: 6, Width: 8, Layers: 3, Norm: "group"})
	if err == nil || !strings.Contains(err.Error(), "image size 6 is too small") {
		t.Errorf("err = %v", err)
	}
	_, err = Build(Config{Channels: 3, ImageSize: 64, Width: 0, Layers: 3, Norm: "group"})
	if err == nil || !strings.HasPrefix(err.Error(), "patchgan: ") {
		t.Errorf("err = %v", err)
	}
}
