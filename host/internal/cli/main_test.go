package cli

import (
	"context"
	"os"
	"testing"
)

// TestMain lets the test binary serve bundled plugins: the plugin manager re-executes
// os.Executable() — here, this test binary — as `plugin serve ID`.
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == "plugin" && os.Args[2] == "serve" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
