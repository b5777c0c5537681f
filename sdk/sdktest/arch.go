package sdktest

import (
	"fmt"
	"slices"
	"strings"

	"dnw/sdk"
	"dnw/sdk/ir"
)

// archSizes are the image sides Conformance builds an architecture at: the smallest
// data.image_size an experiment accepts (a multiple of 16, at least 16) and dnw's
// default, 64.
var archSizes = []int{16, 64}

// archChannels is what the host asks for: RGB images.
const archChannels = 3

// architecture checks Build against the graph contract the host's GAN training loop
// relies on (sdk/README.md, "The graph contract").
func (c *checker) architecture(a sdk.Architecture) {
	c.t.Helper()
	for _, size := range archSizes {
		req := sdk.ArchRequest{ImageSize: size, Channels: archChannels}
		call := fmt.Sprintf("Build(%d×%d, %d channels, default options)", size, size, archChannels)
		m, err := a.Build(c.ctx(), req)
		if err != nil {
			c.errorf("%s: %v", call, err)
			continue
		}
		c.model(call, m, req)
		again, err := a.Build(c.ctx(), req)
		if err == nil {
			c.deterministic(call, m, again)
		}
	}
	if _, err := a.Build(c.ctx(), sdk.ArchRequest{ImageSize: 0, Channels: archChannels}); err == nil {
		c.errorf("Build(0×0) returned no error: a request the architecture cannot build must be an error")
	}
}

// model checks one model built for req.
func (c *checker) model(call string, m ir.Model, req sdk.ArchRequest) {
	c.t.Helper()
	if err := m.Validate(); err != nil {
		c.errorf("%s: the model does not validate: %v", call, err)
		return
	}
	image := []int{req.Channels, req.ImageSize, req.ImageSize}
	gen, disc := m.Generator, m.Discriminator

	if len(gen.Inputs) != 1 || gen.Inputs[0].Name != "source" || !slices.Equal(gen.Inputs[0].Shape, image) {
		c.errorf("%s: generator inputs %s, want one input source %v: the host feeds the source image, and only it", call, values(gen.Inputs), image)
	}
	if out, ok := output(gen); !ok || !slices.Equal(out.Shape, image) || out.Op != ir.OpTanh {
		c.errorf("%s: generator outputs %v, want one output, a tanh node of shape %v: the target image, in [-1, 1] as the images are", call, gen.Outputs, image)
	}
	if !slices.ContainsFunc(gen.Nodes, adaptable) {
		c.errorf("%s: generator has no conv2d or linear node: LoRA adapts only those", call)
	}

	want := []ir.Value{{Name: "source", Shape: image}, {Name: "target", Shape: image}}
	got := slices.Clone(disc.Inputs)
	slices.SortFunc(got, func(a, b ir.Value) int { return strings.Compare(a.Name, b.Name) })
	if len(got) != 2 || got[0].Name != "source" || got[1].Name != "target" ||
		!slices.Equal(got[0].Shape, image) || !slices.Equal(got[1].Shape, image) {
		c.errorf("%s: discriminator inputs %s, want %s: the host feeds the source and a real or generated target", call, values(disc.Inputs), values(want))
	}
	if _, ok := output(disc); !ok {
		c.errorf("%s: discriminator outputs %v, want one output node: the real/fake logits", call, disc.Outputs)
	}

	for _, g := range []ir.Graph{gen, disc} {
		for _, n := range g.Nodes {
			if isNorm(n.Op) && !n.HasTag(ir.TagNorm) {
				c.errorf("%s: %s node %s (%s) is not tagged %s: every norm node carries that role (sdk/ir, tags.go)", call, g.Name, n.Name, n.Op, ir.TagNorm)
			}
			for _, role := range ir.AttentionRoles {
				if n.HasTag(role) && n.Op != ir.OpLinear {
					c.errorf("%s: %s node %s is tagged %s but is a %s: attention roles tag the linear projections", call, g.Name, n.Name, role, n.Op)
				}
			}
		}
	}
}

// output returns the node of a graph's single output.
func output(g ir.Graph) (ir.Node, bool) {
	if len(g.Outputs) != 1 {
		return ir.Node{}, false
	}
	return g.Node(g.Outputs[0])
}

func values(vs []ir.Value) string {
	s := "["
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %v", v.Name, v.Shape)
	}
	return s + "]"
}

// adaptable reports whether LoRA can adapt a node: the host adapts conv2d and linear.
func adaptable(n ir.Node) bool { return n.Op == ir.OpConv2d || n.Op == ir.OpLinear }

func isNorm(op ir.Op) bool {
	return op == ir.OpGroupNorm || op == ir.OpInstanceNorm || op == ir.OpBatchNorm || op == ir.OpLayerNorm
}
