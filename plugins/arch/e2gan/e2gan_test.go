package e2gan_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dnw/plugins/arch/e2gan"
	"dnw/sdk"
	"dnw/sdk/ir"
	"dnw/sdk/sdktest"
)

func build(t *testing.T, size int, opts sdk.Options) ir.Model {
	t.Helper()
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: size, Channels: 3, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return m
}

func outputShape(t *testing.T, g ir.Graph) []int {
	t.Helper()
	if len(g.Outputs) != 1 {
		t.Fatalf("%s has outputs %v, want one", g.Name, g.Outputs)
	}
	n, ok := g.Node(g.Outputs[0])
	if !ok {
		t.Fatalf("%s: output %s is not a node", g.Name, g.Outputs[0])
	}
	return n.Shape
}

func TestInfo(t *testing.T) {
	if err := e2gan.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(e2gan.New()); err != nil {
		t.Fatal(err)
	}
}

func TestBuildShapesAtSeveralSizes(t *testing.T) {
	for _, c := range []struct {
		size  int
		opts  sdk.Options
		patch int
	}{
		{32, nil, 2}, {64, nil, 6}, {128, nil, 14}, {256, nil, 30},
		{48, sdk.Options{"downsamples": int64(4), "width": int64(8), "disc_layers": int64(5)}, 4},
		{16, sdk.Options{"downsamples": int64(1), "res_blocks": int64(0)}, 2},
	} {
		m := build(t, c.size, c.opts)
		if got := outputShape(t, m.Generator); !slices.Equal(got, []int{3, c.size, c.size}) {
			t.Errorf("size %d: generator output %v", c.size, got)
		}
		if got := outputShape(t, m.Discriminator); !slices.Equal(got, []int{1, c.patch, c.patch}) {
			t.Errorf("size %d: discriminator output %v, want (1, %d, %d)", c.size, got, c.patch, c.patch)
		}
		if m.Generator.Inputs[0].Name != "source" || len(m.Discriminator.Inputs) != 2 {
			t.Errorf("size %d: inputs %v / %v", c.size, m.Generator.Inputs, m.Discriminator.Inputs)
		}
	}
}

// The counts README.md reports. 2 ResNet blocks give the 0.98 M-parameter E2GAN-like
// reference generator of docs/dependencies.md.
func TestParameterCounts(t *testing.T) {
	for _, c := range []struct {
		opts      sdk.Options
		gen, disc int
	}{
		{nil, 1280003, 2769601},
		{sdk.Options{"res_blocks": int64(2)}, 984323, 2769601},
		{sdk.Options{"cross_attention": true}, 1444611, 2769601},
		{sdk.Options{"norm": "batch"}, 1278915, 2768705},
	} {
		m := build(t, 64, c.opts)
		if g, d := m.Generator.NumParams(), m.Discriminator.NumParams(); g != c.gen || d != c.disc {
			t.Errorf("%v: generator %d, discriminator %d parameters; want %d, %d", c.opts, g, d, c.gen, c.disc)
		}
		t.Logf("%v at 64×64: generator %d, discriminator %d parameters", c.opts, m.Generator.NumParams(), m.Discriminator.NumParams())
	}
}

func TestTagsForThePapersPlaces(t *testing.T) {
	g := build(t, 64, nil).Generator
	regions := []string{ir.TagStem, ir.TagDownsample, ir.TagDS, ir.TagTransformer, ir.TagUS, ir.TagUpsample, ir.TagHead}
	adapted := map[string][]string{}
	for _, n := range g.Nodes {
		var in []string
		for _, r := range regions {
			if n.HasTag(r) {
				in = append(in, r)
			}
		}
		if len(in) != 1 {
			t.Errorf("node %s has region tags %v, want exactly one", n.Name, in)
			continue
		}
		isNorm := n.Op == ir.OpGroupNorm || n.Op == ir.OpLayerNorm || n.Op == ir.OpBatchNorm || n.Op == ir.OpInstanceNorm
		if isNorm != n.HasTag(ir.TagNorm) {
			t.Errorf("node %s (%s): norm tag %v", n.Name, n.Op, n.HasTag(ir.TagNorm))
		}
		if n.Op == ir.OpConv2d || n.Op == ir.OpLinear {
			adapted[in[0]] = append(adapted[in[0]], n.Name)
		}
	}
	want := map[string]string{
		ir.TagDownsample:  "down1 down2",
		ir.TagDS:          "ds1.conv1 ds1.conv2 ds2.conv1 ds2.conv2",
		ir.TagTransformer: "transformer.attn.q transformer.attn.k transformer.attn.v transformer.attn.out transformer.mlp.fc1 transformer.mlp.fc2",
		ir.TagUS:          "us1.conv1 us1.conv2",
		ir.TagUpsample:    "up1 up2",
		ir.TagStem:        "stem",
		ir.TagHead:        "head",
	}
	for tag, names := range want {
		if got := strings.Join(adapted[tag], " "); got != names {
			t.Errorf("conv/linear nodes tagged %s: %q, want %q", tag, got, names)
		}
	}
	for _, n := range g.Tagged(ir.TagDownsample) {
		if n.Op == ir.OpConv2d && n.Attrs.Stride != 2 {
			t.Errorf("%s is tagged downsample with stride %d", n.Name, n.Attrs.Stride)
		}
	}
	for i, role := range ir.AttentionRoles {
		got := g.Tagged(role)
		if len(got) != 1 || got[0].Name != "transformer.attn."+[]string{"q", "k", "v", "out"}[i] || got[0].Op != ir.OpLinear {
			t.Errorf("tagged %s: %v", role, got)
		}
	}
}

func TestCrossAttention(t *testing.T) {
	g := build(t, 64, sdk.Options{"cross_attention": true, "context_dim": int64(77)}).Generator
	if len(g.Inputs) != 2 || g.Inputs[1].Name != "concept" || !slices.Equal(g.Inputs[1].Shape, []int{1, 77}) {
		t.Fatalf("inputs %+v", g.Inputs)
	}
	k, _ := g.Node("transformer.cross.k")
	if !slices.Equal(k.Inputs, []string{"concept"}) || !k.HasTag(ir.TagAttnK) || !k.HasTag(ir.TagCross) {
		t.Errorf("cross k %+v", k)
	}
	if w, _ := g.Param("transformer.cross.k.weight"); !slices.Equal(w.Shape, []int{128, 77}) {
		t.Errorf("cross k weight %v", w.Shape)
	}
	if n := len(g.Tagged(ir.TagCross)); n != 5 {
		t.Errorf("%d nodes tagged %s, want q, k, v, attention, out", n, ir.TagCross)
	}
}

func TestBatchNormConvsHaveNoBias(t *testing.T) {
	g := build(t, 64, sdk.Options{"norm": "batch"}).Generator
	for _, name := range []string{"stem", "down1", "ds1.conv2", "up2"} {
		if n, _ := g.Node(name); len(n.Params) != 1 {
			t.Errorf("%s params %v, want the weight only", name, n.Params)
		}
	}
	if n, _ := g.Node("head"); len(n.Params) != 2 {
		t.Errorf("head params %v, want weight and bias", n.Params)
	}
}

func TestBadOptionsAndSizesAreRefused(t *testing.T) {
	specs := e2gan.New().Info().Options
	for _, bad := range []map[string]any{
		{"width": int64(2)}, {"downsamples": int64(0)}, {"res_blocks": int64(-1)}, {"heads": int64(0)},
		{"norm": "weight"}, {"disc_layers": int64(0)}, {"context_dim": int64(0)}, {"cross_attention": "yes"},
		{"widht": int64(32)},
	} {
		if _, errs := sdk.Resolve(specs, bad); len(errs) == 0 {
			t.Errorf("Resolve accepted %v", bad)
		}
		_, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3, Options: bad})
		if err == nil || !strings.HasPrefix(err.Error(), "arch.e2gan: option ") {
			t.Errorf("Build(%v): err = %v", bad, err)
		}
	}
	for _, c := range []struct {
		size int
		opts sdk.Options
		has  string
	}{
		{66, nil, "image size 66 must be at least 8 and divisible by 2^downsamples = 4"},
		{64, sdk.Options{"downsamples": int64(3)}, ""},
		{60, sdk.Options{"downsamples": int64(3)}, "divisible by 2^downsamples = 8"},
		{4, sdk.Options{"downsamples": int64(1)}, "image size 4"},
		{64, sdk.Options{"heads": int64(3)}, "option heads: 3 does not divide the transformer width width·2^downsamples = 128"},
	} {
		_, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: c.size, Channels: 3, Options: c.opts})
		if c.has == "" && err != nil || c.has != "" && (err == nil || !strings.Contains(err.Error(), c.has)) {
			t.Errorf("size %d %v: err = %v, want %q", c.size, c.opts, err, c.has)
		}
	}
}

func TestBuildOverGRPC(t *testing.T) {
	arch := sdktest.Connect(t, e2gan.New()).(sdk.Architecture)
	req := sdk.ArchRequest{ImageSize: 64, Channels: 3, Options: sdk.Options{"cross_attention": true}}
	got, err := arch.Build(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
	if want := build(t, 64, req.Options); !reflect.DeepEqual(got, want) {
		t.Error("the model changed on the wire")
	}
	_, err = arch.Build(context.Background(), sdk.ArchRequest{ImageSize: 64, Channels: 3, Options: sdk.Options{"norm": "weight"}})
	if err == nil || !strings.Contains(err.Error(), `option norm: "weight" is not one of group, instance, batch, layer`) {
		t.Errorf("err = %v", err)
	}
}
