package minilm

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"unsafe"
)

// bertConfig is the part of a Hugging Face BERT config.json the forward pass uses.
type bertConfig struct {
	ModelType    string  `json:"model_type"`
	HiddenAct    string  `json:"hidden_act"`
	PositionType string  `json:"position_embedding_type"`
	Hidden       int     `json:"hidden_size"`
	Layers       int     `json:"num_hidden_layers"`
	Heads        int     `json:"num_attention_heads"`
	Intermediate int     `json:"intermediate_size"`
	MaxPositions int     `json:"max_position_embeddings"`
	TypeVocab    int     `json:"type_vocab_size"`
	VocabSize    int     `json:"vocab_size"`
	LayerNormEps float64 `json:"layer_norm_eps"`
}

// readConfig reads dir/config.json and refuses what the forward pass does not do.
func readConfig(dir string) (bertConfig, error) {
	path := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return bertConfig{}, err
	}
	var c bertConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return bertConfig{}, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case c.ModelType != "bert":
		return c, fmt.Errorf("%s: model_type %q: text.minilm runs BERT models only", path, c.ModelType)
	case c.HiddenAct != "gelu":
		return c, fmt.Errorf("%s: hidden_act %q: text.minilm implements gelu only", path, c.HiddenAct)
	case c.PositionType != "" && c.PositionType != "absolute":
		return c, fmt.Errorf("%s: position_embedding_type %q: text.minilm implements absolute only", path, c.PositionType)
	case c.Hidden < 1 || c.Layers < 1 || c.Heads < 1 || c.Hidden%c.Heads != 0 || c.Intermediate < 1 ||
		c.MaxPositions < 2 || c.TypeVocab < 1 || c.VocabSize < 1 || !(c.LayerNormEps > 0):
		return c, fmt.Errorf("%s: sizes out of range: %+v", path, c)
	}
	return c, nil
}

// tensorEntry is one tensor of a safetensors header.
type tensorEntry struct {
	Dtype   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// maxHeader bounds a safetensors JSON header (the format's own limit is 100 MB).
const maxHeader = 100 << 20

// littleEndian is whether this machine stores a float32 as safetensors does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// tensor is a float32 array and its shape.
type tensor struct {
	shape []int
	data  []float32
}

// readSafetensors reads the F32 tensors of a safetensors file (8-byte little-endian
// header length, JSON header of name → dtype, shape, [begin, end) within the data,
// then the data) and the SHA-256 of the whole file, in one pass over it. Tensors of
// other dtypes (BERT's I64 position_ids) are skipped.
func readSafetensors(path string) (map[string]tensor, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	h := sha256.New()
	r := io.TeeReader(f, h)
	fail := func(format string, args ...any) (map[string]tensor, string, error) {
		return nil, "", fmt.Errorf("%s: "+format, append([]any{path}, args...)...)
	}
	var n uint64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return fail("reading the header length: %v", err)
	}
	if n > maxHeader {
		return fail("header of %d bytes: not a safetensors file", n)
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(r, header); err != nil {
		return fail("reading the header: %v", err)
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(header, &entries); err != nil {
		return fail("header: %v", err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return fail("%v", err)
	}
	out := map[string]tensor{}
	for name, raw := range entries {
		if name == "__metadata__" {
			continue
		}
		var e tensorEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return fail("tensor %s: %v", name, err)
		}
		if e.Dtype != "F32" {
			continue
		}
		size := int64(1)
		for _, d := range e.Shape {
			if d < 0 || size > math.MaxInt32 {
				return fail("tensor %s: shape %v out of range", name, e.Shape)
			}
			size *= int64(d)
		}
		begin, end := e.Offsets[0], e.Offsets[1]
		if begin < 0 || end < begin || end > int64(len(data)) || end-begin != 4*size {
			return fail("tensor %s: data_offsets %v for shape %v outside the %d data bytes", name, e.Offsets, e.Shape, len(data))
		}
		t := make([]float32, size)
		if littleEndian && size > 0 { // the file's byte order is the machine's: copy the bytes as they are
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&t[0])), 4*size), data[begin:end])
		} else {
			for i := range t {
				t[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[begin+4*int64(i):]))
			}
		}
		out[name] = tensor{shape: e.Shape, data: t}
	}
	return out, hex.EncodeToString(h.Sum(nil)), nil
}
