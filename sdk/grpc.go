package sdk

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"dnw/sdk/ir"
	pb "dnw/sdk/proto/pluginpb"
)

// MaxMessageBytes raises gRPC's 4 MiB default on both sides, so that a large arch IR
// or a batch of embeddings fits in one reply.
const MaxMessageBytes = 256 << 20

// WindowBytes is gRPC's flow-control window on both sides. With the 64 KiB default a
// 1 MiB reply stalls on window updates; 4 MiB lets it stream (docs/benchmarks.md).
const WindowBytes = 4 << 20

// pluginName is the single entry of every plugin's go-plugin set: the host dispenses
// it, learns the plugin's kind from Describe and gets the client of that kind.
const pluginName = "plugin"

// grpcPlugin adapts a Plugin to go-plugin: it registers the Describe service and the
// service of the plugin's kind on the server side, and builds typed clients on the
// host side.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl Plugin // nil on the host side
}

var _ plugin.GRPCPlugin = (*grpcPlugin)(nil)

func (p *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if err := Check(p.impl); err != nil {
		return err
	}
	pb.RegisterPluginServer(s, &describeServer{impl: p.impl})
	switch p.impl.Info().Kind {
	case KindArchitecture:
		pb.RegisterArchitectureServer(s, &archServer{impl: p.impl.(Architecture)})
	case KindLoRAPlacement:
		pb.RegisterLoRAPlacementServer(s, &placementServer{impl: p.impl.(LoRAPlacement)})
	case KindChunker:
		pb.RegisterChunkerServer(s, &chunkerServer{impl: p.impl.(Chunker)})
	case KindNoiseSchedule:
		pb.RegisterNoiseScheduleServer(s, &scheduleServer{impl: p.impl.(NoiseSchedule)})
	case KindTextEncoder:
		pb.RegisterTextEncoderServer(s, &textServer{impl: p.impl.(TextEncoder)})
	}
	return nil
}

func (p *grpcPlugin) GRPCClient(ctx context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return clientFor(ctx, c)
}

// clientFor describes the plugin behind c and returns the client of its kind.
func clientFor(ctx context.Context, c grpc.ClientConnInterface) (Plugin, error) {
	resp, err := pb.NewPluginClient(c).Describe(ctx, &pb.Empty{})
	if err != nil {
		return nil, fmt.Errorf("sdk: describe: %w", err)
	}
	if v := resp.GetProtocolVersion(); v != ProtocolVersion {
		return nil, fmt.Errorf("sdk: plugin %s speaks protocol version %d; this dnw speaks %d", resp.GetId(), v, ProtocolVersion)
	}
	info := infoFromPB(resp)
	if err := info.Check(); err != nil {
		return nil, err
	}
	base := client{info: info}
	switch info.Kind {
	case KindArchitecture:
		return &archClient{base, pb.NewArchitectureClient(c)}, nil
	case KindLoRAPlacement:
		return &placementClient{base, pb.NewLoRAPlacementClient(c)}, nil
	case KindChunker:
		return &chunkerClient{base, pb.NewChunkerClient(c)}, nil
	case KindNoiseSchedule:
		return &scheduleClient{base, pb.NewNoiseScheduleClient(c)}, nil
	case KindTextEncoder:
		return &textClient{base, pb.NewTextEncoderClient(c)}, nil
	}
	return nil, fmt.Errorf("sdk: plugin %s has unknown kind %q", info.ID, info.Kind)
}

// ---- server side: resolve options, call the implementation, convert ----

type describeServer struct {
	pb.UnimplementedPluginServer
	impl Plugin
}

func (s *describeServer) Describe(context.Context, *pb.Empty) (*pb.Info, error) {
	return infoToPB(s.impl.Info())
}

// resolve checks the options a request carries against the plugin's schema and fills
// in defaults, so implementations always see complete, typed options.
func resolve(p Plugin, opts map[string]*pb.Value) (Options, error) {
	o, errs := Resolve(p.Info().Options, optionsFromPB(opts))
	if len(errs) == 0 {
		return o, nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return nil, status.Errorf(codes.InvalidArgument, "%s: %s", p.Info().ID, strings.Join(msgs, "; "))
}

type archServer struct {
	pb.UnimplementedArchitectureServer
	impl Architecture
}

func (s *archServer) Build(ctx context.Context, req *pb.ArchRequest) (*pb.Model, error) {
	opts, err := resolve(s.impl, req.GetOptions())
	if err != nil {
		return nil, err
	}
	m, err := s.impl.Build(ctx, ArchRequest{ImageSize: int(req.GetImageSize()), Channels: int(req.GetChannels()), Options: opts})
	if err != nil {
		return nil, err
	}
	return modelToPB(m), nil
}

type placementServer struct {
	pb.UnimplementedLoRAPlacementServer
	impl LoRAPlacement
}

func (s *placementServer) Place(ctx context.Context, req *pb.PlaceRequest) (*pb.Placement, error) {
	opts, err := resolve(s.impl, req.GetOptions())
	if err != nil {
		return nil, err
	}
	p, err := s.impl.Place(ctx, graphFromPB(req.GetGraph()), opts)
	if err != nil {
		return nil, err
	}
	return placementToPB(p), nil
}

type chunkerServer struct {
	pb.UnimplementedChunkerServer
	impl Chunker
}

func (s *chunkerServer) Layout(ctx context.Context, req *pb.LayoutRequest) (*pb.ChunkLayout, error) {
	opts, err := resolve(s.impl, req.GetOptions())
	if err != nil {
		return nil, err
	}
	l, err := s.impl.Layout(ctx, paramsFromPB(req.GetParams()), int(req.GetChunkSize()), opts)
	if err != nil {
		return nil, err
	}
	return layoutToPB(l), nil
}

type scheduleServer struct {
	pb.UnimplementedNoiseScheduleServer
	impl NoiseSchedule
}

func (s *scheduleServer) Tables(ctx context.Context, req *pb.TablesRequest) (*pb.ScheduleTables, error) {
	opts, err := resolve(s.impl, req.GetOptions())
	if err != nil {
		return nil, err
	}
	t, err := s.impl.Tables(ctx, int(req.GetTimesteps()), opts)
	if err != nil {
		return nil, err
	}
	return &pb.ScheduleTables{AlphaBar: t.AlphaBar, Alpha: t.Alpha, Sigma: t.Sigma}, nil
}

type textServer struct {
	pb.UnimplementedTextEncoderServer
	impl TextEncoder
}

func (s *textServer) Encode(ctx context.Context, req *pb.EncodeRequest) (*pb.Embeddings, error) {
	opts, err := resolve(s.impl, req.GetOptions())
	if err != nil {
		return nil, err
	}
	e, err := s.impl.Encode(ctx, req.GetPrompts(), opts)
	if err != nil {
		return nil, err
	}
	return &pb.Embeddings{Dim: int32(e.Dim), Data: e.Data}, nil
}

// ---- host side: the same interfaces, over gRPC ----

type client struct{ info Info }

func (c client) Info() Info { return c.info }

type archClient struct {
	client
	c pb.ArchitectureClient
}

func (c *archClient) Build(ctx context.Context, req ArchRequest) (ir.Model, error) {
	opts, err := optionsToPB(req.Options)
	if err != nil {
		return ir.Model{}, err
	}
	m, err := c.c.Build(ctx, &pb.ArchRequest{ImageSize: int32(req.ImageSize), Channels: int32(req.Channels), Options: opts}, callOpts...)
	if err != nil {
		return ir.Model{}, err
	}
	return modelFromPB(m), nil
}

type placementClient struct {
	client
	c pb.LoRAPlacementClient
}

func (c *placementClient) Place(ctx context.Context, g ir.Graph, o Options) (Placement, error) {
	opts, err := optionsToPB(o)
	if err != nil {
		return Placement{}, err
	}
	p, err := c.c.Place(ctx, &pb.PlaceRequest{Graph: graphToPB(g), Options: opts}, callOpts...)
	if err != nil {
		return Placement{}, err
	}
	return placementFromPB(p), nil
}

type chunkerClient struct {
	client
	c pb.ChunkerClient
}

func (c *chunkerClient) Layout(ctx context.Context, params []Param, chunkSize int, o Options) (ChunkLayout, error) {
	opts, err := optionsToPB(o)
	if err != nil {
		return ChunkLayout{}, err
	}
	l, err := c.c.Layout(ctx, &pb.LayoutRequest{Params: paramsToPB(params), ChunkSize: int32(chunkSize), Options: opts}, callOpts...)
	if err != nil {
		return ChunkLayout{}, err
	}
	return layoutFromPB(l), nil
}

type scheduleClient struct {
	client
	c pb.NoiseScheduleClient
}

func (c *scheduleClient) Tables(ctx context.Context, timesteps int, o Options) (ScheduleTables, error) {
	opts, err := optionsToPB(o)
	if err != nil {
		return ScheduleTables{}, err
	}
	t, err := c.c.Tables(ctx, &pb.TablesRequest{Timesteps: int32(timesteps), Options: opts}, callOpts...)
	if err != nil {
		return ScheduleTables{}, err
	}
	return ScheduleTables{AlphaBar: t.GetAlphaBar(), Alpha: t.GetAlpha(), Sigma: t.GetSigma()}, nil
}

type textClient struct {
	client
	c pb.TextEncoderClient
}

func (c *textClient) Encode(ctx context.Context, prompts []string, o Options) (Embeddings, error) {
	opts, err := optionsToPB(o)
	if err != nil {
		return Embeddings{}, err
	}
	e, err := c.c.Encode(ctx, &pb.EncodeRequest{Prompts: prompts, Options: opts}, callOpts...)
	if err != nil {
		return Embeddings{}, err
	}
	return Embeddings{Dim: int(e.GetDim()), Data: e.GetData()}, nil
}

var callOpts = []grpc.CallOption{grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes)}

var (
	_ Architecture  = (*archClient)(nil)
	_ LoRAPlacement = (*placementClient)(nil)
	_ Chunker       = (*chunkerClient)(nil)
	_ NoiseSchedule = (*scheduleClient)(nil)
	_ TextEncoder   = (*textClient)(nil)
)
