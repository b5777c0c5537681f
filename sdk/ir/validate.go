package ir

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// tagPattern: tags are lowercase words, optionally joined by '.', '_' or '-'
// ("downsample", "attn.q").
var tagPattern = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*$`)

// Validate checks a Model: its Version, then both graphs.
func (m Model) Validate() error {
	if m.Version < MinVersion || m.Version > Version {
		return fmt.Errorf("ir: model has IR version %d, this build reads versions %d to %d", m.Version, MinVersion, Version)
	}
	if err := m.Generator.Validate(); err != nil {
		return err
	}
	return m.Discriminator.Validate()
}

// Validate checks that g is a well-formed graph and returns the first problem, naming
// the graph and the node, input, parameter or output at fault:
//
//   - names of inputs and nodes (one namespace, the values) and of parameters are
//     non-empty, free of spaces and unique;
//   - input shapes are (C, H, W) or (N, D) with every dimension ≥ 1;
//   - every node's op is known; its inputs are graph inputs or earlier nodes
//     (topological order) and their number fits the op; its parameters exist and their
//     shapes fit the op's rule, the output features F of a conv2d, conv1d or linear
//     being those its Shape declares (so a weight of the wrong size is named, with the
//     shape it should have); the output shape recomputed by InferShape equals the
//     declared Shape; its tags are lowercase and not repeated;
//   - every parameter is used by some node and has a valid Init (a known kind, Std > 0
//     for normal, Gain ≥ 0);
//   - there is at least one output, and each names an input or a node, once.
func (g Graph) Validate() error {
	if g.Name == "" || strings.ContainsFunc(g.Name, isSpace) {
		return fmt.Errorf("ir: graph %q: a graph needs a name without spaces", g.Name)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("ir: graph %s: "+format, append([]any{g.Name}, args...)...)
	}

	params := make(map[string]Param, len(g.Params))
	for _, p := range g.Params {
		if err := checkName(p.Name); err != nil {
			return fail("param %q: %v", p.Name, err)
		}
		if _, dup := params[p.Name]; dup {
			return fail("param %s: declared twice", p.Name)
		}
		if err := checkDims(p.Shape); err != nil {
			return fail("param %s: %v", p.Name, err)
		}
		if err := p.Init.check(); err != nil {
			return fail("param %s: %v", p.Name, err)
		}
		params[p.Name] = p
	}

	shapes := make(map[string][]int, len(g.Inputs)+len(g.Nodes)) // value name → shape
	for _, v := range g.Inputs {
		if err := checkName(v.Name); err != nil {
			return fail("input %q: %v", v.Name, err)
		}
		if _, dup := shapes[v.Name]; dup {
			return fail("input %s: declared twice", v.Name)
		}
		if err := checkDims(v.Shape); err != nil {
			return fail("input %s: %v", v.Name, err)
		}
		if len(v.Shape) != 2 && len(v.Shape) != 3 {
			return fail("input %s: shape %v is neither (C,H,W) nor (N,D)", v.Name, v.Shape)
		}
		shapes[v.Name] = v.Shape
	}

	used := make(map[string]bool, len(g.Params))
	for i, n := range g.Nodes {
		if err := checkName(n.Name); err != nil {
			return fail("node %d %q: %v", i, n.Name, err)
		}
		if _, dup := shapes[n.Name]; dup {
			return fail("node %s: name already used by an input or an earlier node", n.Name)
		}
		out, err := g.checkNode(n, shapes, params)
		if err != nil {
			return fail("node %s: %v", n.Name, err)
		}
		for _, p := range n.Params {
			used[p] = true
		}
		shapes[n.Name] = out
	}
	for _, p := range g.Params {
		if !used[p.Name] {
			return fail("param %s: used by no node", p.Name)
		}
	}

	if len(g.Outputs) == 0 {
		return fail("no outputs")
	}
	for i, o := range g.Outputs {
		if _, ok := shapes[o]; !ok {
			return fail("output %s: no input or node has that name", o)
		}
		if slices.Index(g.Outputs, o) != i {
			return fail("output %s: listed twice", o)
		}
	}
	return nil
}

// checkNode checks one node against the values defined before it and returns its
// output shape.
func (g Graph) checkNode(n Node, shapes map[string][]int, params map[string]Param) ([]int, error) {
	if !n.Op.Known() {
		return nil, fmt.Errorf("unknown op %q", n.Op)
	}
	in := make([][]int, len(n.Inputs))
	for i, name := range n.Inputs {
		s, ok := shapes[name]
		if !ok {
			if g.defines(name) {
				return nil, fmt.Errorf("input %s is defined later or by this node: nodes must be in topological order", name)
			}
			return nil, fmt.Errorf("input %s: no input or node has that name", name)
		}
		in[i] = s
	}
	p := make([][]int, len(n.Params))
	for i, name := range n.Params {
		param, ok := params[name]
		if !ok {
			return nil, fmt.Errorf("param %s is not declared in the graph's Params", name)
		}
		p[i] = param.Shape
	}
	for i, t := range n.Tags {
		if !tagPattern.MatchString(t) {
			return nil, fmt.Errorf("tag %q is not lowercase (letters, digits, and '.', '_' or '-' between them)", t)
		}
		if slices.Index(n.Tags, t) != i {
			return nil, fmt.Errorf("tag %s given twice", t)
		}
	}
	out, err := inferShape(n.Op, in, p, n.Attrs, n.Shape)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(out, n.Shape) {
		return nil, fmt.Errorf("declared shape %v, but %s gives %v", n.Shape, n.Op, out)
	}
	return out, nil
}

// defines reports whether some node of g is named name.
func (g Graph) defines(name string) bool {
	_, ok := g.Node(name)
	return ok
}

func (in Init) check() error {
	switch in.Kind {
	case InitZeros, InitOnes:
	case InitNormal:
		if !(in.Std > 0) || math.IsInf(in.Std, 0) {
			return fmt.Errorf("init normal needs a finite Std > 0, got %v", in.Std)
		}
	case InitKaimingUniform, InitXavierUniform:
		if !(in.Gain >= 0) || math.IsInf(in.Gain, 0) {
			return fmt.Errorf("init %s needs a finite Gain ≥ 0 (0 means 1), got %v", in.Kind, in.Gain)
		}
	default:
		return fmt.Errorf("unknown init kind %q", in.Kind)
	}
	return nil
}

func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	if strings.ContainsFunc(name, isSpace) {
		return fmt.Errorf("name contains a space")
	}
	return nil
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }
