package ext

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// The ABI's binary values are little-endian and unpadded (ABI.md, "Encoding"):
// u32, i64 and f64 scalars; a string is a u32 byte length and UTF-8 bytes; a
// float array is its elements as f32, its length given by the surrounding layout.

// writer appends the ABI's values to a byte slice.
type writer struct{ b []byte }

func (w *writer) u32(v uint32)  { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *writer) i64(v int64)   { w.b = binary.LittleEndian.AppendUint64(w.b, uint64(v)) }
func (w *writer) f64(v float64) { w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v)) }
func (w *writer) str(s string)  { w.u32(uint32(len(s))); w.b = append(w.b, s...) }
func (w *writer) bool(v bool) {
	if v {
		w.u32(1)
	} else {
		w.u32(0)
	}
}

// floats appends xs as f32 values: one copy of their bytes (both ends of the ABI
// are little-endian: WebAssembly always, the host on the platforms dnw supports).
func (w *writer) floats(xs []float32) {
	if len(xs) > 0 {
		w.b = append(w.b, unsafe.Slice((*byte)(unsafe.Pointer(&xs[0])), 4*len(xs))...)
	}
}

// errShort is what a reader reports when the input ends early.
var errShort = errors.New("input ends early")

// reader reads the ABI's values from a byte slice; the first error sticks, and
// every later read returns zero values.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b)-r.off < n {
		r.err = fmt.Errorf("ext: %w at byte %d (want %d more, have %d)", errShort, r.off, n, len(r.b)-r.off)
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u32() uint32 {
	if s := r.take(4); s != nil {
		return binary.LittleEndian.Uint32(s)
	}
	return 0
}

func (r *reader) i64() int64 {
	if s := r.take(8); s != nil {
		return int64(binary.LittleEndian.Uint64(s))
	}
	return 0
}

func (r *reader) f64() float64 {
	if s := r.take(8); s != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(s))
	}
	return 0
}

func (r *reader) str() string { return string(r.take(int(r.u32()))) }

func (r *reader) bool() bool { return r.u32() != 0 }

// count reads a u32 count of items that each take at least min bytes, refusing a
// count the rest of the input cannot hold (so a corrupt count cannot make a
// decoder allocate without bound).
func (r *reader) count(min int) int {
	n := int(r.u32())
	if r.err == nil && (min < 1 || int64(n)*int64(min) > int64(len(r.b)-r.off)) {
		r.err = fmt.Errorf("ext: count %d at byte %d does not fit in the %d bytes left", n, r.off-4, len(r.b)-r.off)
		return 0
	}
	return n
}

// dims reads k u32 dimensions whose product must not exceed what the rest of the
// input could hold as f32 values (so no product overflows), and returns them.
func (r *reader) dims(k int) []int {
	ds := make([]int, k)
	prod := int64(1)
	for i := range ds {
		ds[i] = int(r.u32())
		prod *= int64(max(ds[i], 1))
		if r.err == nil && prod > int64(len(r.b)) {
			r.err = fmt.Errorf("ext: dimensions %v at byte %d exceed the input's %d bytes", ds[:i+1], r.off-4, len(r.b))
		}
	}
	return ds
}

// floats reads n f32 values. Where the bytes are 4-aligned the result is a view of
// the input, not a copy: a guest reads its images in place.
func (r *reader) floats(n int) []float32 {
	s := r.take(4 * n)
	if s == nil || n == 0 {
		return nil
	}
	if uintptr(unsafe.Pointer(&s[0]))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&s[0])), n)
	}
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = math.Float32frombits(binary.LittleEndian.Uint32(s[4*i:]))
	}
	return xs
}

// done reports the sticky error, or an error if input is left over.
func (r *reader) done() error {
	if r.err == nil && r.off != len(r.b) {
		r.err = fmt.Errorf("ext: %d bytes left over after byte %d", len(r.b)-r.off, r.off)
	}
	return r.err
}
