package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func sample() File {
	rng := rand.New(rand.NewPCG(1, 2))
	f := File{Tensors: map[string]Tensor{}, Metadata: map[string]string{"arch": "arch.e2gan", "dnw_version": "test"}}
	for name, shape := range map[string][]int{"down.weight": {4, 3, 3, 3}, "down.bias": {4}, "up.lora_up": {16, 4, 1, 1}, "scalar": {}} {
		t := Tensor{Shape: shape, Data: make([]float32, numel(shape))}
		for i := range t.Data {
			t.Data[i] = float32(rng.NormFloat64())
		}
		f.Tensors[name] = t
	}
	return f
}

func TestRoundTrip(t *testing.T) {
	f := sample()
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(buf.Bytes()); (8+n)%8 != 0 {
		t.Errorf("header length %d leaves the data unaligned", n)
	}
	var again bytes.Buffer
	Write(&again, f)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("Write is not deterministic")
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f) {
		t.Errorf("round trip changed the file:\n got %v\nwant %v", got, f)
	}
}

func TestReadRejectsBrokenHeaders(t *testing.T) {
	build := func(header string, data int) []byte {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
		return append(append(n[:], header...), make([]byte, data)...)
	}
	for _, tt := range []struct {
		name string
		file []byte
		want string
	}{
		{"truncated", []byte{1, 2}, "reading header length"},
		{"empty", nil, "reading header length"},
		{"bad json", build("{", 0), "header"},
		{"unknown dtype", build(`{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}}`, 1), `unsupported dtype "Q8"`},
		{"size mismatch", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, 4), "do not follow"},
		{"gap", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "do not follow"},
		{"overlap", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "do not follow"},
		{"short data", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 4), "tensor a"},
		{"trailing data", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 8), "past the last tensor"},
		{"negative shape", build(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, 4), "bad shape"},
		{"bad metadata", build(`{"__metadata__":{"a":1}}`, 0), "__metadata__"},
		{"unknown field", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, 4), "unknown field"},
	} {
		if _, err := Read(bytes.NewReader(tt.file)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], maxHeaderBytes+1)
	if _, err := Read(bytes.NewReader(n[:])); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("huge header: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	Write(&buf, sample())
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Write(&out, got); err != nil {
			t.Fatalf("a file that reads does not write: %v", err)
		}
	})
}

// python returns the interpreter of the project's .venv (make deps), where numpy and
// the reference safetensors package are installed.
func python(t *testing.T) string {
	t.Helper()
	py := os.Getenv("DNW_PYTHON")
	if py == "" {
		py, _ = filepath.Abs("../../../.venv/bin/python")
	}
	if err := exec.Command(py, "-c", "import safetensors.numpy").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s cannot import safetensors (make deps installs it): %v", py, err)
		}
		t.Skipf("no Python with safetensors at %s; run make deps", py)
	}
	return py
}

// TestReferenceImplementationAgrees has the reference safetensors package read a file
// dnw wrote, and dnw read a file the reference package wrote. What the reference
// reads must be what dnw wrote: the metadata, and each tensor's dtype, full shape and
// values bit for bit (its raw little-endian bytes, which JSON numbers would round).
func TestReferenceImplementationAgrees(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.safetensors")
	f := sample()
	if err := WriteFile(ours, f); err != nil {
		t.Fatal(err)
	}
	script := `
import json, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file
out = {"tensors": {}}
with safe_open(sys.argv[1], framework="np") as f:
    out["metadata"] = f.metadata()
    for k in f.keys():
        t = f.get_tensor(k)
        out["tensors"][k] = {"dtype": str(t.dtype), "shape": list(t.shape), "hex": t.astype("<f4").tobytes().hex()}
print(json.dumps(out))
save_file({"x": np.arange(6, dtype=np.float32).reshape(2, 3), "y": np.array([1.5, -2.0], dtype=np.float64)}, sys.argv[2], metadata={"from": "python"})
`
	theirs := filepath.Join(dir, "theirs.safetensors")
	out, err := exec.Command(py, "-c", script, ours, theirs).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var got struct {
		Metadata map[string]string
		Tensors  map[string]struct {
			DType string
			Shape []int
			Hex   string
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Metadata, f.Metadata) || len(got.Tensors) != len(f.Tensors) {
		t.Fatalf("python read metadata %v and %d tensors", got.Metadata, len(got.Tensors))
	}
	for name, want := range f.Tensors {
		g, ok := got.Tensors[name]
		if !ok {
			t.Errorf("python read no tensor %s", name)
			continue
		}
		if g.DType != "float32" || !slices.Equal(g.Shape, want.Shape) {
			t.Errorf("%s: python read %s of shape %v, dnw wrote float32 of shape %v", name, g.DType, g.Shape, want.Shape)
			continue
		}
		raw, err := hex.DecodeString(g.Hex)
		if err != nil || len(raw) != 4*len(want.Data) {
			t.Errorf("%s: python read %d bytes (%v), dnw wrote %d values", name, len(raw), err, len(want.Data))
			continue
		}
		for i, w := range want.Data {
			if v := binary.LittleEndian.Uint32(raw[4*i:]); v != math.Float32bits(w) {
				t.Errorf("%s[%d]: python read %v, dnw wrote %v", name, i, math.Float32frombits(v), w)
				break
			}
		}
	}

	back, err := ReadFile(theirs)
	if err != nil {
		t.Fatal(err)
	}
	want := File{Metadata: map[string]string{"from": "python"}, Tensors: map[string]Tensor{
		"x": {Shape: []int{2, 3}, Data: []float32{0, 1, 2, 3, 4, 5}},
		"y": {Shape: []int{2}, Data: []float32{1.5, -2}},
	}}
	if !reflect.DeepEqual(back, want) {
		t.Errorf("read python's file as %+v", back)
	}
}
