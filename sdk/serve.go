package sdk

import (
	"fmt"
	"os"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// ProtocolVersion is the version of the host–plugin protocol. A plugin built against
// another version is refused at start-up by the handshake.
const ProtocolVersion = 1

// Handshake is shared by the host and every plugin. The cookie is not a secret: it
// only stops a user from running a plugin binary by hand by mistake.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "DNW_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "denoised-neural-weights",
}

// PluginSet is the go-plugin set the host dispenses from: one entry, whose client
// describes the plugin and returns the client of its kind.
func PluginSet() plugin.PluginSet {
	return plugin.PluginSet{pluginName: &grpcPlugin{}}
}

// Dispense returns the plugin behind a started go-plugin client, typed by its kind
// (an Architecture, a Chunker, …).
func Dispense(c plugin.ClientProtocol) (Plugin, error) {
	raw, err := c.Dispense(pluginName)
	if err != nil {
		return nil, err
	}
	return raw.(Plugin), nil
}

// Serve is a plugin's main: it serves p over gRPC until the host disconnects. It must
// be the only thing the program writes to stdout (go-plugin's handshake goes there).
func Serve(p Plugin) {
	if err := Check(p); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	plugin.Serve(ServeConfig(p))
}

// ServeConfig is the go-plugin configuration Serve uses; the host reuses it to serve
// its bundled plugins.
func ServeConfig(p Plugin) *plugin.ServeConfig {
	return &plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         plugin.PluginSet{pluginName: &grpcPlugin{impl: p}},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts,
				grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes),
				grpc.InitialWindowSize(WindowBytes), grpc.InitialConnWindowSize(WindowBytes))...)
		},
	}
}

// Check verifies that p's Info is valid and that p implements the interface of the
// kind it claims. Serve runs it first; plugin tests and the host run it too.
func Check(p Plugin) error {
	info := p.Info()
	if err := info.Check(); err != nil {
		return err
	}
	ok := false
	switch info.Kind {
	case KindArchitecture:
		_, ok = p.(Architecture)
	case KindLoRAPlacement:
		_, ok = p.(LoRAPlacement)
	case KindChunker:
		_, ok = p.(Chunker)
	case KindNoiseSchedule:
		_, ok = p.(NoiseSchedule)
	case KindTextEncoder:
		_, ok = p.(TextEncoder)
	}
	if !ok {
		return fmt.Errorf("sdk: plugin %s claims kind %s but %T does not implement it", info.ID, info.Kind, p)
	}
	return nil
}
