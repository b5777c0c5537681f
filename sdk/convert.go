package sdk

import (
	"fmt"

	"dnw/sdk/ir"
	pb "dnw/sdk/proto/pluginpb"
)

// This file converts between the Go types of the contract and their protobuf
// messages, in both directions, so that neither plugin authors nor the host see
// protobuf.

func optionsToPB(o map[string]any) (map[string]*pb.Value, error) {
	out := make(map[string]*pb.Value, len(o))
	for k, v := range o {
		pv, err := valueToPB(v)
		if err != nil {
			return nil, fmt.Errorf("option %s: %w", k, err)
		}
		out[k] = pv
	}
	return out, nil
}

func optionsFromPB(o map[string]*pb.Value) map[string]any {
	out := make(map[string]any, len(o))
	for k, v := range o {
		out[k] = valueFromPB(v)
	}
	return out
}

func valueToPB(v any) (*pb.Value, error) {
	switch x := v.(type) {
	case int:
		return &pb.Value{Kind: &pb.Value_Int{Int: int64(x)}}, nil
	case int64:
		return &pb.Value{Kind: &pb.Value_Int{Int: x}}, nil
	case float64:
		return &pb.Value{Kind: &pb.Value_Float{Float: x}}, nil
	case bool:
		return &pb.Value{Kind: &pb.Value_Bool{Bool: x}}, nil
	case string:
		return &pb.Value{Kind: &pb.Value_String_{String_: x}}, nil
	case []int64:
		return &pb.Value{Kind: &pb.Value_Ints{Ints: &pb.Ints{Values: x}}}, nil
	case []float64:
		return &pb.Value{Kind: &pb.Value_Floats{Floats: &pb.Floats{Values: x}}}, nil
	case []string:
		return &pb.Value{Kind: &pb.Value_Strings{Strings: &pb.Strings{Values: x}}}, nil
	case []any:
		return listToPB(x)
	}
	return nil, fmt.Errorf("unsupported value %T %v", v, v)
}

// listToPB sends a TOML array as a list of integers, of floats (any mix of integers
// and floats) or of strings; the plugin's Resolve then checks it against the option's type.
func listToPB(x []any) (*pb.Value, error) {
	var ints []int64
	var floats []float64
	var strs []string
	for _, e := range x {
		switch n := e.(type) {
		case int64:
			ints = append(ints, n)
			floats = append(floats, float64(n))
		case float64:
			floats = append(floats, n)
		case string:
			strs = append(strs, n)
		default:
			return nil, fmt.Errorf("unsupported list element %T %v", e, e)
		}
	}
	switch {
	case len(strs) == len(x):
		return valueToPB(strs)
	case len(ints) == len(x):
		return valueToPB(ints)
	case len(floats) == len(x):
		return valueToPB(floats)
	}
	return nil, fmt.Errorf("list mixes strings and numbers: %v", x)
}

func valueFromPB(v *pb.Value) any {
	switch k := v.GetKind().(type) {
	case *pb.Value_Int:
		return k.Int
	case *pb.Value_Float:
		return k.Float
	case *pb.Value_Bool:
		return k.Bool
	case *pb.Value_String_:
		return k.String_
	case *pb.Value_Ints:
		return append([]int64{}, k.Ints.GetValues()...)
	case *pb.Value_Floats:
		return append([]float64{}, k.Floats.GetValues()...)
	case *pb.Value_Strings:
		return append([]string{}, k.Strings.GetValues()...)
	}
	return nil
}

func infoToPB(in Info) (*pb.Info, error) {
	out := &pb.Info{Id: in.ID, Kind: string(in.Kind), Version: in.Version, Doc: in.Doc, ProtocolVersion: ProtocolVersion}
	for _, o := range in.Options {
		def, err := valueToPB(o.Default)
		if err != nil {
			return nil, fmt.Errorf("option %s: %w", o.Name, err)
		}
		out.Options = append(out.Options, &pb.OptionSpec{
			Name: o.Name, Type: string(o.Type), Default: def, Doc: o.Doc,
			Min: o.Min, Max: o.Max, Enum: o.Enum,
		})
	}
	return out, nil
}

func infoFromPB(in *pb.Info) Info {
	out := Info{ID: in.GetId(), Kind: Kind(in.GetKind()), Version: in.GetVersion(), Doc: in.GetDoc()}
	for _, o := range in.GetOptions() {
		out.Options = append(out.Options, OptionSpec{
			Name: o.GetName(), Type: OptionType(o.GetType()), Default: valueFromPB(o.GetDefault()),
			Doc: o.GetDoc(), Min: o.Min, Max: o.Max, Enum: o.GetEnum(),
		})
	}
	return out
}

func intsToPB(v []int) []int32 {
	out := make([]int32, len(v))
	for i, x := range v {
		out[i] = int32(x)
	}
	return out
}

func intsFromPB(v []int32) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

func modelToPB(m ir.Model) *pb.Model {
	return &pb.Model{Version: int32(m.Version), Generator: graphToPB(m.Generator), Discriminator: graphToPB(m.Discriminator)}
}

func modelFromPB(m *pb.Model) ir.Model {
	return ir.Model{Version: int(m.GetVersion()), Generator: graphFromPB(m.GetGenerator()), Discriminator: graphFromPB(m.GetDiscriminator())}
}

func graphToPB(g ir.Graph) *pb.Graph {
	out := &pb.Graph{Name: g.Name, Outputs: g.Outputs}
	for _, v := range g.Inputs {
		out.Inputs = append(out.Inputs, &pb.Tensor{Name: v.Name, Shape: intsToPB(v.Shape)})
	}
	for _, n := range g.Nodes {
		a := n.Attrs
		out.Nodes = append(out.Nodes, &pb.Node{
			Name: n.Name, Op: string(n.Op), Inputs: n.Inputs, Params: n.Params, Tags: n.Tags,
			Shape: intsToPB(n.Shape),
			Attrs: &pb.Attrs{
				Kernel: int32(a.Kernel), Stride: int32(a.Stride), Padding: int32(a.Padding),
				Groups: int32(a.Groups), Heads: int32(a.Heads), Scale: int32(a.Scale),
				Slope: a.Slope, Eps: a.Eps, Rate: a.Rate, Height: int32(a.Height), Width: int32(a.Width),
			},
		})
	}
	for _, p := range g.Params {
		out.Params = append(out.Params, &pb.Param{Name: p.Name, Shape: intsToPB(p.Shape),
			Init: &pb.Init{Kind: string(p.Init.Kind), Std: p.Init.Std, Gain: p.Init.Gain}})
	}
	return out
}

func graphFromPB(g *pb.Graph) ir.Graph {
	out := ir.Graph{Name: g.GetName(), Outputs: g.GetOutputs()}
	for _, v := range g.GetInputs() {
		out.Inputs = append(out.Inputs, ir.Value{Name: v.GetName(), Shape: intsFromPB(v.GetShape())})
	}
	for _, n := range g.GetNodes() {
		a := n.GetAttrs()
		out.Nodes = append(out.Nodes, ir.Node{
			Name: n.GetName(), Op: ir.Op(n.GetOp()), Inputs: n.GetInputs(), Params: n.GetParams(),
			Tags: n.GetTags(), Shape: intsFromPB(n.GetShape()),
			Attrs: ir.Attrs{
				Kernel: int(a.GetKernel()), Stride: int(a.GetStride()), Padding: int(a.GetPadding()),
				Groups: int(a.GetGroups()), Heads: int(a.GetHeads()), Scale: int(a.GetScale()),
				Slope: a.GetSlope(), Eps: a.GetEps(), Rate: a.GetRate(),
				Height: int(a.GetHeight()), Width: int(a.GetWidth()),
			},
		})
	}
	for _, p := range g.GetParams() {
		out.Params = append(out.Params, ir.Param{Name: p.GetName(), Shape: intsFromPB(p.GetShape()),
			Init: ir.Init{Kind: ir.InitKind(p.GetInit().GetKind()), Std: p.GetInit().GetStd(), Gain: p.GetInit().GetGain()}})
	}
	return out
}

func placementToPB(p Placement) *pb.Placement {
	out := &pb.Placement{TrainNorms: p.TrainNorms}
	for _, l := range p.Layers {
		out.Layers = append(out.Layers, &pb.LoRALayer{Node: l.Node, Rank: int32(l.Rank), Alpha: l.Alpha})
	}
	return out
}

func placementFromPB(p *pb.Placement) Placement {
	out := Placement{TrainNorms: p.GetTrainNorms()}
	for _, l := range p.GetLayers() {
		out.Layers = append(out.Layers, LoRALayer{Node: l.GetNode(), Rank: int(l.GetRank()), Alpha: l.GetAlpha()})
	}
	return out
}

func paramsToPB(ps []Param) []*pb.ChunkParam {
	out := make([]*pb.ChunkParam, len(ps))
	for i, p := range ps {
		out[i] = &pb.ChunkParam{Name: p.Name, Shape: intsToPB(p.Shape), Group: p.Group}
	}
	return out
}

func paramsFromPB(ps []*pb.ChunkParam) []Param {
	out := make([]Param, len(ps))
	for i, p := range ps {
		out[i] = Param{Name: p.GetName(), Shape: intsFromPB(p.GetShape()), Group: p.GetGroup()}
	}
	return out
}

func layoutToPB(l ChunkLayout) *pb.ChunkLayout {
	out := &pb.ChunkLayout{ChunkSize: int32(l.ChunkSize), Groups: l.Groups}
	for _, c := range l.Chunks {
		pc := &pb.Chunk{Group: int32(c.Group)}
		for _, s := range c.Segments {
			pc.Segments = append(pc.Segments, &pb.Segment{Param: int32(s.Param), Offset: int64(s.Offset), At: int32(s.At), Len: int32(s.Len)})
		}
		out.Chunks = append(out.Chunks, pc)
	}
	return out
}

func layoutFromPB(l *pb.ChunkLayout) ChunkLayout {
	out := ChunkLayout{ChunkSize: int(l.GetChunkSize()), Groups: l.GetGroups()}
	for _, c := range l.GetChunks() {
		ch := Chunk{Group: int(c.GetGroup())}
		for _, s := range c.GetSegments() {
			ch.Segments = append(ch.Segments, Segment{Param: int(s.GetParam()), Offset: int(s.GetOffset()), At: int(s.GetAt()), Len: int(s.GetLen())})
		}
		out.Chunks = append(out.Chunks, ch)
	}
	return out
}
