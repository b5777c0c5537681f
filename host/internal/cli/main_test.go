package cli

import (
	"context"
	"os"
	"testing"

	"dnw/host/internal/extensions/exttest"
)

// TestMain lets the test binary serve bundled plugins: the plugin manager re-executes
// os.Executable() — here, this test binary — as `plugin serve ID`, and a sweep's
// local backend runs it as `trial SWEEP_DIR INDEX`. The built-in
// extensions, built from plugins/ext, are found through DNW_EXT_DIR.
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && (os.Args[1] == "plugin" && os.Args[2] == "serve" || os.Args[1] == "trial") {
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	exttest.UseBuiltins()
	os.Exit(m.Run())
}
