package sdktest

import (
	"testing"

	"github.com/hashicorp/go-plugin"

	"dnw/sdk"
)

// Connect serves p over an in-process gRPC connection and returns the host's view of
// it: a client of p's kind (sdk.Architecture, sdk.Chunker, …) whose calls travel as
// protobuf, with options resolved against p's schema on the way, exactly as when the
// host runs the plugin as a separate process. The connection closes when the test ends.
func Connect(t testing.TB, p sdk.Plugin) sdk.Plugin {
	t.Helper()
	if err := sdk.Check(p); err != nil {
		t.Fatal(err)
	}
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.ServeConfig(p).Plugins)
	t.Cleanup(func() { client.Close() }) // its Shutdown call also stops the server
	got, err := sdk.Dispense(client)
	if err != nil {
		t.Fatalf("sdktest: dispensing %s: %v", p.Info().ID, err)
	}
	return got
}
