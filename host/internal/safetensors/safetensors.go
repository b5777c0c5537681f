package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"dnw/host/internal/atomicfile"
)

// maxHeaderBytes bounds the JSON header, as the reference implementation does (100 MB),
// so that a corrupt length cannot make a reader allocate without limit.
const maxHeaderBytes = 100 << 20

// Tensor is a float32 tensor with its shape, row-major.
type Tensor struct {
	Shape []int
	Data  []float32
}

// File is the content of a safetensors file.
type File struct {
	Tensors  map[string]Tensor
	Metadata map[string]string // the "__metadata__" map; may be nil
}

type entry struct {
	DType   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// Write encodes f: tensors in name order, each as F32.
func Write(w io.Writer, f File) error {
	names := make([]string, 0, len(f.Tensors))
	for n := range f.Tensors {
		if n == "" || n == "__metadata__" {
			return fmt.Errorf("safetensors: invalid tensor name %q", n)
		}
		names = append(names, n)
	}
	slices.Sort(names)
	header := map[string]any{}
	if len(f.Metadata) > 0 {
		header["__metadata__"] = f.Metadata
	}
	var offset int64
	for _, n := range names {
		t := f.Tensors[n]
		if size := numel(t.Shape); size != len(t.Data) {
			return fmt.Errorf("safetensors: tensor %s: shape %v holds %d values, data has %d", n, t.Shape, size, len(t.Data))
		}
		end := offset + 4*int64(len(t.Data))
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		header[n] = entry{DType: "F32", Shape: shape, Offsets: [2]int64{offset, end}}
		offset = end
	}
	js, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	if pad := (8 - len(js)%8) % 8; pad > 0 {
		js = append(js, bytes.Repeat([]byte{' '}, pad)...)
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(js)))
	buf := make([]byte, 0, 8+len(js)+int(offset))
	buf = append(append(buf, n[:]...), js...)
	for _, name := range names {
		for _, v := range f.Tensors[name].Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	}
	_, err = w.Write(buf)
	return err
}

// WriteFile writes f to path atomically.
func WriteFile(path string, f File) error {
	return atomicfile.Write(path, func(w io.Writer) error { return Write(w, f) })
}

// Read decodes a safetensors file. Tensors of other dtypes than F32 are converted to
// float32 (F64, I64, I32); anything else is an error naming the tensor.
func Read(r io.Reader) (File, error) {
	var n [8]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return File{}, fmt.Errorf("safetensors: reading header length: %w", err)
	}
	size := binary.LittleEndian.Uint64(n[:])
	if size > maxHeaderBytes {
		return File{}, fmt.Errorf("safetensors: header of %d bytes exceeds %d", size, maxHeaderBytes)
	}
	js := make([]byte, size)
	if _, err := io.ReadFull(r, js); err != nil {
		return File{}, fmt.Errorf("safetensors: reading header: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return File{}, fmt.Errorf("safetensors: header: %w", err)
	}
	f := File{Tensors: map[string]Tensor{}}
	type span struct {
		name string
		e    entry
	}
	var spans []span
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return File{}, fmt.Errorf("safetensors: __metadata__ must map strings to strings: %w", err)
			}
			continue
		}
		var e entry
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return File{}, fmt.Errorf("safetensors: tensor %s: %w", name, err)
		}
		spans = append(spans, span{name, e})
	}
	slices.SortFunc(spans, func(a, b span) int {
		if a.e.Offsets[0] != b.e.Offsets[0] {
			return int(a.e.Offsets[0] - b.e.Offsets[0])
		}
		return strings.Compare(a.name, b.name)
	})
	var next int64
	for _, s := range spans {
		width := dtypeBytes[s.e.DType]
		if width == 0 {
			return File{}, fmt.Errorf("safetensors: tensor %s: unsupported dtype %q", s.name, s.e.DType)
		}
		count, ok := checkedNumel(s.e.Shape)
		if !ok {
			return File{}, fmt.Errorf("safetensors: tensor %s: bad shape %v", s.name, s.e.Shape)
		}
		begin, end := s.e.Offsets[0], s.e.Offsets[1]
		if begin != next || end < begin || end-begin != count*int64(width) {
			return File{}, fmt.Errorf("safetensors: tensor %s: offsets [%d, %d) do not follow %d for %d %s values",
				s.name, begin, end, next, count, s.e.DType)
		}
		data := make([]byte, end-begin)
		if _, err := io.ReadFull(r, data); err != nil {
			return File{}, fmt.Errorf("safetensors: tensor %s: %w", s.name, err)
		}
		f.Tensors[s.name] = Tensor{Shape: s.e.Shape, Data: decode(s.e.DType, data)}
		next = end
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(r, 1)); extra > 0 {
		return File{}, errors.New("safetensors: data continues past the last tensor")
	}
	return f, nil
}

// ReadFile reads the safetensors file at path.
func ReadFile(path string) (File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("safetensors: %w", err)
	}
	defer fh.Close()
	f, err := Read(fh)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

var dtypeBytes = map[string]int{"F32": 4, "F64": 8, "I64": 8, "I32": 4}

func decode(dtype string, b []byte) []float32 {
	out := make([]float32, len(b)/dtypeBytes[dtype])
	for i := range out {
		switch dtype {
		case "F32":
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		case "F64":
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		case "I64":
			out[i] = float32(int64(binary.LittleEndian.Uint64(b[8*i:])))
		case "I32":
			out[i] = float32(int32(binary.LittleEndian.Uint32(b[4*i:])))
		}
	}
	return out
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// checkedNumel multiplies the dimensions, refusing negatives and overflow past 2^40
// values (4 TiB of float32, far beyond any dnw checkpoint).
func checkedNumel(shape []int) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || (d > 0 && n > (1<<40)/int64(d)) {
			return 0, false
		}
		n *= int64(d)
	}
	return n, true
}
