package sdktest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"dnw/sdk"
	"dnw/sdk/sdktest"
)

// A plugin's `go test -v` output is its own: Connect adds no log lines (go-plugin's
// test harness printed "[DEBUG] stdio …" on every connection). The test runs itself
// in a child process, whose whole output it reads.
func TestConnectWritesNoLogLines(t *testing.T) {
	if os.Getenv("SDKTEST_CHILD") == "1" {
		for range 3 {
			t.Run("connect", func(t *testing.T) {
				s := sdktest.Connect(t, schedule{}).(sdk.NoiseSchedule)
				if _, err := s.Tables(context.Background(), 10, nil); err != nil {
					t.Fatal(err)
				}
			})
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestConnectWritesNoLogLines$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "SDKTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "=== RUN") && !strings.HasPrefix(strings.TrimSpace(line), "--- PASS") && line != "PASS" {
			t.Errorf("test output has a line of its own: %q", line)
		}
	}
}
