package pix2pixunet_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	"dnw/sdk"
	"dnw/sdk/ir"
	"dnw/sdk/sdktest"
)

func build(t *testing.T, size int, opts sdk.Options) ir.Model {
	t.Helper()
	m, err := pix2pixunet.New().Build(context.Background(), sdk.ArchRequest{ImageSize: size, Channels: 3, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return m
}

func output(t *testing.T, g ir.Graph) ir.Node {
	t.Helper()
	n, ok := g.Node(g.Outputs[0])
	if len(g.Outputs) != 1 || !ok {
		t.Fatalf("%s outputs %v", g.Name, g.Outputs)
	}
	return n
}

func TestInfo(t *testing.T) {
	if err := pix2pixunet.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(pix2pixunet.New()); err != nil {
		t.Fatal(err)
	}
}

func TestBuildShapesAndDepth(t *testing.T) {
	for _, c := range []struct {
		size   int
		opts   sdk.Options
		depth  int
		bottom []int // the innermost encoder output
		patch  int
	}{
		{256, nil, 8, []int{512, 1, 1}, 30},
		{64, nil, 6, []int{512, 1, 1}, 6},
		{32, nil, 5, []int{512, 1, 1}, 2},
		{96, nil, 5, []int{512, 3, 3}, 10},
		{64, sdk.Options{"depth": int64(3), "width": int64(16)}, 3, []int{64, 8, 8}, 6},
		{8, nil, 3, []int{256, 1, 1}, 2},
	} {
		m := build(t, c.size, c.opts)
		out := output(t, m.Generator)
		if !slices.Equal(out.Shape, []int{3, c.size, c.size}) || out.Op != ir.OpTanh {
			t.Errorf("size %d: generator output %s %v", c.size, out.Op, out.Shape)
		}
		if d := output(t, m.Discriminator); !slices.Equal(d.Shape, []int{1, c.patch, c.patch}) {
			t.Errorf("size %d: discriminator output %v, want (1, %d, %d)", c.size, d.Shape, c.patch, c.patch)
		}
		var downs []ir.Node
		for _, n := range m.Generator.Nodes {
			if n.Op == ir.OpConv2d && n.HasTag(ir.TagDownsample) {
				downs = append(downs, n)
			}
		}
		if len(downs) != c.depth || !slices.Equal(downs[len(downs)-1].Shape, c.bottom) {
			t.Errorf("size %d: %d encoder convs ending in %v, want %d ending in %v", c.size, len(downs), downs[len(downs)-1].Shape, c.depth, c.bottom)
		}
	}
}

func TestLayersFollowPix2pix(t *testing.T) {
	g := build(t, 256, nil).Generator
	for _, name := range []string{"down1", "down8"} { // outermost and innermost: no norm
		if _, ok := g.Node(name + ".norm"); ok {
			t.Errorf("%s has a norm", name)
		}
	}
	if n, _ := g.Node("down8.act"); n.Op != ir.OpReLU {
		t.Errorf("innermost activation %s, want relu", n.Op)
	}
	if n, _ := g.Node("down3.act"); n.Op != ir.OpLeakyReLU || n.Attrs.Slope != 0.2 {
		t.Errorf("encoder activation %+v", n)
	}
	if n, _ := g.Node("down3.norm"); n.Op != ir.OpBatchNorm {
		t.Errorf("encoder norm %s", n.Op)
	}
	var drops []string
	for _, n := range g.Nodes {
		if n.Op == ir.OpDropout {
			drops = append(drops, n.Name)
			if n.Attrs.Rate != 0.5 {
				t.Errorf("%s rate %v", n.Name, n.Attrs.Rate)
			}
		}
		if n.Op == ir.OpConv2d && n.HasTag(ir.TagUpsample) {
			if in, _ := g.Node(n.Inputs[0]); in.Op != ir.OpUpsample || n.Attrs.Kernel != 3 {
				t.Errorf("decoder conv %s reads %s with kernel %d", n.Name, in.Op, n.Attrs.Kernel)
			}
		}
		if n.Op == ir.OpConv2d {
			if p, _ := g.Param(n.Params[0]); p.Init.Kind != ir.InitNormal || p.Init.Std != 0.02 {
				t.Errorf("%s init %+v", n.Name, p.Init)
			}
		}
	}
	if strings.Join(drops, " ") != "up7.dropout up6.dropout up5.dropout" {
		t.Errorf("dropout in %v, want the first three decoder blocks", drops)
	}
	skip, _ := g.Node("up3.skip")
	if !slices.Equal(skip.Inputs, []string{"down3.norm", "up3.norm"}) {
		t.Errorf("up3.skip reads %v", skip.Inputs)
	}
	if !slices.Equal(skip.Shape, []int{512, 32, 32}) {
		t.Errorf("up3.skip shape %v", skip.Shape)
	}
	if n, _ := g.Node("up3"); len(n.Params) != 1 {
		t.Errorf("up3 before batch norm has params %v, want no bias", n.Params)
	}
}

// The counts README.md reports. pix2pix's own U-Net at 256×256 has 54,414,080
// parameters; the 3×3 resize-convolutions of the decoder replace its 4×4 transposed
// convolutions, hence fewer.
func TestParameterCounts(t *testing.T) {
	for _, c := range []struct {
		size      int
		gen, disc int
	}{
		{64, 21328451, 2768705}, {128, 30243395, 2768705}, {256, 39158339, 2768705},
	} {
		m := build(t, c.size, nil)
		if g, d := m.Generator.NumParams(), m.Discriminator.NumParams(); g != c.gen || d != c.disc {
			t.Errorf("%d×%d: generator %d, discriminator %d; want %d, %d", c.size, c.size, g, d, c.gen, c.disc)
		}
		t.Logf("%d×%d: generator %d, discriminator %d parameters", c.size, c.size, m.Generator.NumParams(), m.Discriminator.NumParams())
	}
}

func TestTags(t *testing.T) {
	g := build(t, 64, sdk.Options{"norm": "group"}).Generator
	for _, n := range g.Nodes {
		down, up := n.HasTag(ir.TagDownsample), n.HasTag(ir.TagUpsample)
		if down == up {
			t.Errorf("%s: downsample %v, upsample %v; want exactly one", n.Name, down, up)
		}
		if (n.Op == ir.OpGroupNorm) != n.HasTag(ir.TagNorm) {
			t.Errorf("%s (%s): norm tag %v", n.Name, n.Op, n.HasTag(ir.TagNorm))
		}
	}
	if len(g.Tagged(ir.TagTransformer)) != 0 {
		t.Error("a U-Net has transformer nodes")
	}
}

func TestBadOptionsAndSizes(t *testing.T) {
	specs := pix2pixunet.New().Info().Options
	for _, bad := range []map[string]any{
		{"width": int64(0)}, {"depth": int64(-1)}, {"depth": int64(13)}, {"norm": "none"}, {"disc_width": int64(0)},
	} {
		if _, errs := sdk.Resolve(specs, bad); len(errs) == 0 {
			t.Errorf("Resolve accepted %v", bad)
		}
		if _, err := pix2pixunet.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3, Options: bad}); err == nil ||
			!strings.HasPrefix(err.Error(), "arch.pix2pix-unet: option ") {
			t.Errorf("Build(%v): err = %v", bad, err)
		}
	}
	for _, c := range []struct {
		size int
		opts sdk.Options
		has  string
	}{
		{66, nil, "image size 66 must be divisible by 4"},
		{64, sdk.Options{"depth": int64(7)}, "option depth: 7 needs to be at least 2, with the image size 64 divisible by 2^depth"},
		{64, sdk.Options{"depth": int64(1)}, "option depth: 1"},
		{4, nil, "image size 4 is too small"},
	} {
		_, err := pix2pixunet.New().Build(context.Background(), sdk.ArchRequest{ImageSize: c.size, Channels: 3, Options: c.opts})
		if err == nil || !strings.Contains(err.Error(), c.has) || !strings.HasPrefix(err.Error(), "arch.pix2pix-unet: ") {
			t.Errorf("size %d %v: err = %v, want %q", c.size, c.opts, err, c.has)
		}
	}
}

func TestBuildOverGRPC(t *testing.T) {
	arch := sdktest.Connect(t, pix2pixunet.New()).(sdk.Architecture)
	got, err := arch.Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3})
	if err != nil {
		t.Fatal(err)
	}
	if want := build(t, 64, nil); !reflect.DeepEqual(got, want) {
		t.Error("the model changed on the wire")
	}
}
