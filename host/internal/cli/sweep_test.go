package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSweepDryRunListsTheTrials(t *testing.T) {
	code, out, errOut := dnw(t, "sweep", shipped+"ablations/chunk-size.toml", "--dry-run", "--set", "weightgen.steps=10")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"sweep chunk-size: 3 trials (grid over 1 axes)",
		"chunk-size-000  chunk_size=128  weightgen.chunk_size = 128 (base 256)",
		"chunk-size-001  chunk_size=256  weightgen.chunk_size = 256 (as the base)"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := dnw(t, "sweep", shipped+"ablations/chunk-size.toml"); code != ExitUsage || !strings.Contains(errOut, "--dry-run") {
		t.Errorf("without --dry-run: exit %d, %s", code, errOut)
	}
	dir := t.TempDir()
	tiny, _ := filepath.Abs(shipped + "tiny.toml")
	bad := writeFile(t, dir, "s.toml", "base = \""+tiny+"\"\n[sweep]\nname = \"s\"\n[[ablation]]\nkey = \"weightgen.chunk_sise\"\nvalues = [1]\n")
	code, out, errOut = dnw(t, "validate", bad)
	if code == ExitOK || !strings.Contains(out+errOut, bad+":6: weightgen.chunk_sise: unknown key; did you mean chunk_size?") {
		t.Errorf("a misspelt axis key: exit %d\n%s%s", code, out, errOut)
	}
}
