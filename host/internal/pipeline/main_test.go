package pipeline

import (
	"os"
	"testing"

	"dnw/host/internal/extensions/exttest"
	"dnw/host/internal/pluginhost"
	"dnw/sdk"
)

// TestMain lets the test binary serve bundled plugins: the plugin manager re-executes
// os.Executable() — here, this test binary — as `plugin serve ID`. Tests find the
// built-in extensions (built from plugins/ext) through DNW_EXT_DIR.
func TestMain(m *testing.M) {
	if len(os.Args) > 3 && os.Args[1] == "plugin" && os.Args[2] == "serve" {
		p, err := pluginhost.Bundled(os.Args[3])
		if err != nil {
			panic(err)
		}
		sdk.Serve(p)
		return
	}
	exttest.UseBuiltins()
	os.Exit(m.Run())
}
