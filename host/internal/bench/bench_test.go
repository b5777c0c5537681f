package bench

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dnw/plugins/arch/e2gan"
	"dnw/sdk"
	"dnw/sdk/ir"
)

func tinyModel(t *testing.T) ir.Model {
	t.Helper()
	m, err := e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
		Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTrainTimesEachStep(t *testing.T) {
	m := tinyModel(t)
	steps := 0
	r, err := Train(m, TrainConfig{Batch: 2, Size: 16, Warmup: 1, Steps: 3, Loss: "lsgan", Seed: 1}, func(int) { steps++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(r.MsAll) != 3 || r.MsPerStep <= 0 || steps != 4 || r.GenParams != m.Generator.NumParams() || r.Backend == "" {
		t.Errorf("result %+v after %d progress calls", r, steps)
	}
	if _, err := Train(m, TrainConfig{Batch: 0, Size: 16, Steps: 1, Loss: "lsgan"}, nil); err == nil {
		t.Error("batch 0 accepted")
	}
}

// fakeTorch writes a shell script that stands in for the PyTorch side, printing line.
func fakeTorch(t *testing.T, line string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho '"+line+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTorchReadsTheScriptsReport runs Torch against stand-in scripts: a report of
// the same architecture is read; other parameter counts, a non-JSON line and a
// failing script are errors that say what went wrong.
func TestTorchReadsTheScriptsReport(t *testing.T) {
	m := tinyModel(t)
	c := TrainConfig{Batch: 2, Size: 16, Warmup: 0, Steps: 2, Loss: "lsgan", Seed: 1}
	good := `{"torch_version": "9.9", "threads": 2, "ms_per_step": 12.5, "ms_all": [12, 13], "generator_params": ` +
		strconv.Itoa(m.Generator.NumParams()) + `, "discriminator_params": ` + strconv.Itoa(m.Discriminator.NumParams()) + `}`
	r, err := Torch(context.Background(), "/bin/sh", fakeTorch(t, good), m, c, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != "torch 9.9" || r.MsPerStep != 12.5 || r.Threads != 2 {
		t.Errorf("read %+v", r)
	}
	wrong := strings.Replace(good, `"generator_params": `, `"generator_params": 1`, 1)
	if _, err := Torch(context.Background(), "/bin/sh", fakeTorch(t, wrong), m, c, 2); err == nil || !strings.Contains(err.Error(), "not the same architecture") {
		t.Errorf("other parameter counts: %v", err)
	}
	if _, err := Torch(context.Background(), "/bin/sh", fakeTorch(t, "hello"), m, c, 2); err == nil || !strings.Contains(err.Error(), "want one JSON line") {
		t.Errorf("not JSON: %v", err)
	}
	if _, err := Torch(context.Background(), "/bin/false", fakeTorch(t, good), m, c, 2); err == nil {
		t.Error("a failing script gave no error")
	}
	if _, err := Torch(context.Background(), "/bin/sh", "no/such/script.py", m, c, 2); err == nil || !strings.Contains(err.Error(), "--torch-script") {
		t.Errorf("missing script: %v", err)
	}
}
