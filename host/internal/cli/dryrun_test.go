package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noAttention asks for LoRA on the attention projections of an architecture that
// has no attention: lora.placement is on line 15.
const noAttention = `[experiment]
name = "no-attention"
[data]
image_size = 16
train_concepts = 2
heldout_concepts = 1
pairs_per_concept = 2
test_pairs = 1
[model]
arch = "arch.pix2pix-unet"
[model.options]
width = 8
depth = 2
[lora]
placement = "lora.attention-only"
`

const noAttentionError = ":15: lora.placement: LoRA on the generator of arch.pix2pix-unet: plugin lora.attention-only: " +
	"Place: lora.attention-only: graph generator: selects no node"

// dnw validate builds the architecture and places LoRA as a dry run: a placement the
// architecture cannot take is a problem of the file, at lora.placement's line.
func TestValidateDryRunsThePlacement(t *testing.T) {
	f := writeFile(t, t.TempDir(), "exp.toml", noAttention)
	code, out, errOut := dnw(t, "validate", f)
	if code != ExitUsage || !strings.Contains(out, "FAIL  "+f+" (1 problem)") || !strings.Contains(errOut, f+noAttentionError) {
		t.Errorf("exit %d, want 2 and %q:\n%s%s", code, f+noAttentionError, out, errOut)
	}
}

// dnw run fails the same way before any stage starts: no stage writes anything, so
// base never trains for a run that would fail at collect.
func TestRunDryRunsThePlacementBeforeAnyStage(t *testing.T) {
	tmp := t.TempDir()
	f := writeFile(t, tmp, "exp.toml", noAttention)
	dir := filepath.Join(tmp, "run")
	code, out, errOut := dnw(t, "run", f, "--out", dir)
	if code != ExitUsage || !strings.Contains(errOut, f+noAttentionError) {
		t.Errorf("exit %d, want 2 and %q:\n%s%s", code, f+noAttentionError, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "stages")); !os.IsNotExist(err) {
		t.Errorf("the failed run wrote stages: %v", err)
	}
}

// A placement that finds some of the places it was asked for, and not others, is
// warned about at the key that asked; validate still passes.
func TestValidateWarnsOfAPartialPlacement(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "exp.toml", strings.Replace(noAttention, "lora.attention-only", "lora.e2gan-paper", 1))
	code, out, errOut := dnw(t, "validate", f)
	want := "dnw validate: warning: " + f + ":15: lora.placement: lora.e2gan-paper finds no node for place(s) ds, transformer, us " +
		"in the generator of arch.pix2pix-unet: LoRA goes only on the 4 layer(s) of the other places"
	if code != ExitOK || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 0 and %q:\n%s%s", code, want, out, errOut)
	}

	f = writeFile(t, dir, "places.toml", strings.Replace(noAttention, "lora.attention-only", "lora.e2gan-paper", 1)+
		"[lora.options]\nplaces = [\"downsample\", \"transformer\"]\n")
	code, out, errOut = dnw(t, "validate", f)
	want = f + ":17: lora.options.places: lora.e2gan-paper finds no node for place(s) transformer in the generator of arch.pix2pix-unet"
	if code != ExitOK || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 0 and %q:\n%s%s", code, want, out, errOut)
	}

	// tiny.toml's one ResNet block is a ds block only: it names the places it has.
	code, out, errOut = dnw(t, "validate", shipped+"tiny.toml")
	if code != ExitOK || strings.Contains(errOut, "warning") {
		t.Errorf("tiny.toml: exit %d\n%s%s", code, out, errOut)
	}
}

// The run log lists the layers that got LoRA, with their ranks and sizes, before
// any stage runs.
func TestRunLogsTheLoRALayers(t *testing.T) {
	tmp := t.TempDir()
	f := writeFile(t, tmp, "exp.toml", strings.Replace(noAttention, "lora.attention-only", "lora.e2gan-paper", 1))
	dir := filepath.Join(tmp, "run")
	code, out, errOut := dnw(t, "run", f, "--out", dir, "--until", "concepts", "--set", "lora.rank=3")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	data, err := os.ReadFile(filepath.Join(dir, "logs/dnw.log"))
	if err != nil {
		t.Fatal(err)
	}
	var layers []string
	var placed map[string]any
	for line := range strings.Lines(string(data)) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		switch rec["msg"] {
		case "LoRA placed":
			placed = rec
		case "LoRA layer":
			if rec["rank"] != 3.0 || rec["op"] != "conv2d" || !(rec["weights"].(float64) > 0) {
				t.Errorf("layer %v", rec)
			}
			layers = append(layers, rec["node"].(string))
		case "stage started":
			if placed == nil {
				t.Error("a stage started before the LoRA placement was logged")
			}
		}
	}
	// pix2pix-unet at depth 2: the encoder's two convolutions, the decoder's and the head.
	if got := strings.Join(layers, " "); got != "down1 down2 up1 head" || placed == nil ||
		placed["placement"] != "lora.e2gan-paper" || placed["layers"] != 4.0 {
		t.Errorf("placed %v, layers %s", placed, got)
	}
	if !strings.Contains(string(data), "finds no node for place(s) ds, transformer, us") {
		t.Error("the log lacks the warning of the partial placement")
	}
}
