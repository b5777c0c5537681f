package engine

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dnw/host/internal/buildinfo"
	"dnw/host/internal/safetensors"
)

func TestCheckpointRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "base.safetensors")
	c := Checkpoint{
		Params: map[string]safetensors.Tensor{
			"down1.weight": {Shape: []int{2, 1, 1, 1}, Data: []float32{0.5, -1}},
			"down1.bias":   {Shape: []int{2}, Data: []float32{0, 1}},
		},
		Arch:    "arch.e2gan",
		Options: map[string]any{"width": 16.0, "norm": "group"},
		Extra:   map[string]string{"step": "300"},
	}
	if err := SaveCheckpoint(path, c); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	c.Version = buildinfo.Version
	if !reflect.DeepEqual(got, c) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, c)
	}
	c.Extra = map[string]string{"dnw.arch": "x"}
	if err := SaveCheckpoint(path, c); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("reserved key: %v", err)
	}
	plain := filepath.Join(t.TempDir(), "plain.safetensors")
	safetensors.WriteFile(plain, safetensors.File{Tensors: c.Params})
	if _, err := LoadCheckpoint(plain); err == nil || !strings.Contains(err.Error(), "not a dnw checkpoint") {
		t.Errorf("plain safetensors file: %v", err)
	}
}
