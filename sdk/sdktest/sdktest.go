package sdktest

import (
	"context"
	"net"
	"runtime/debug"
	"testing"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"dnw/sdk"
)

// bufferBytes is the in-memory connection's buffer: gRPC's flow-control window on
// each side (sdk.WindowBytes) with room to spare, so a large reply never waits on
// the test's own buffer.
const bufferBytes = 2 * sdk.WindowBytes

// Connect serves p over an in-process gRPC connection and returns the host's view of
// it: a client of p's kind (sdk.Architecture, sdk.Chunker, …) whose calls travel as
// protobuf, with options resolved against p's schema on the way, exactly as when the
// host runs the plugin as a separate process. The connection closes when the test ends.
//
// It uses the gRPC server of sdk.ServeConfig (its message limits) and the adapters
// the host dispenses through, but not go-plugin's test harness
// (plugin.TestPluginGRPCConn), whose debug logger writes "[DEBUG] stdio …" lines to
// stderr that would clutter every plugin's `go test` output: the process handshake,
// stdio relay and broker it adds have no part in an in-process call. A panic in p
// fails the call with the panic and its stack, where the host would see the plugin's
// process die, instead of ending the test binary.
func Connect(t testing.TB, p sdk.Plugin) sdk.Plugin {
	t.Helper()
	if err := sdk.Check(p); err != nil {
		t.Fatal(err)
	}
	cfg := sdk.ServeConfig(p)
	var adapter plugin.GRPCPlugin // the set's single entry
	for _, v := range cfg.Plugins {
		adapter = v.(plugin.GRPCPlugin)
	}
	server := cfg.GRPCServer([]grpc.ServerOption{grpc.UnaryInterceptor(recoverPanics)})
	if err := adapter.GRPCServer(nil, server); err != nil { // the sdk's adapters use no broker
		t.Fatalf("sdktest: serving %s: %v", p.Info().ID, err)
	}
	lis := bufconn.Listen(bufferBytes)
	go server.Serve(lis) // returns when Stop closes the listener
	conn, err := grpc.Dial("bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(sdk.MaxMessageBytes), grpc.MaxCallSendMsgSize(sdk.MaxMessageBytes)))
	if err != nil {
		server.Stop()
		t.Fatalf("sdktest: connecting to %s: %v", p.Info().ID, err)
	}
	t.Cleanup(func() {
		conn.Close()
		server.Stop()
	})
	raw, err := adapter.GRPCClient(context.Background(), nil, conn)
	if err != nil {
		t.Fatalf("sdktest: dispensing %s: %v", p.Info().ID, err)
	}
	return raw.(sdk.Plugin)
}

// recoverPanics turns a panic in a plugin method into the call's error.
func recoverPanics(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = status.Errorf(codes.Internal, "sdktest: %s panicked: %v\n%s", info.FullMethod, r, debug.Stack())
		}
	}()
	return handler(ctx, req)
}
