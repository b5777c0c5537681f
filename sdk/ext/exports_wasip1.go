//go:build wasip1

package ext

import "unsafe"

// The ABI's exports for a Go guest. Buffers handed to the host are Go slices kept
// alive in pinned until the host frees them (inputs) or the next call replaces
// them (outputs); Go's garbage collector does not move objects, so their
// addresses stay valid.

var (
	pinned = map[uint32][]byte{} // dnw_alloc'd input buffers by address
	spare  []byte                // the last freed input buffer, reused by the next dnw_alloc that fits
	output []byte                // the last call's output, alive until the next call
)

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

// reply keeps out alive and returns its packed address and length.
func reply(out []byte) uint64 {
	if len(out) == 0 {
		out = make([]byte, 0, 1) // a real address even for an empty result
	}
	output = out
	return Pack(addr(out), uint32(len(out)))
}

// input is the buffer dnw_alloc returned at ptr, cut to n bytes.
func input(ptr, n uint32) ([]byte, bool) {
	b, ok := pinned[ptr]
	if !ok || int(n) > len(b) {
		return nil, false
	}
	return b[:n], true
}

//go:wasmexport dnw_abi_version
func abiVersion() uint32 { return ABIVersion }

//go:wasmexport dnw_info
func info() uint64 { return reply(InfoJSON()) }

// alloc reuses the spare buffer when it fits: a host scoring batch after batch
// of one size then writes into the same memory every call, with no allocation
// and no zeroing in the guest.
//
//go:wasmexport dnw_alloc
func alloc(size uint32) uint32 {
	n := int(max(size, 1))
	var b []byte
	if cap(spare) >= n {
		b, spare = spare[:n], nil
	} else {
		b = make([]byte, n)
	}
	p := addr(b)
	pinned[p] = b
	return p
}

//go:wasmexport dnw_free
func free(ptr uint32) {
	if b, ok := pinned[ptr]; ok {
		delete(pinned, ptr)
		if cap(b) > cap(spare) {
			spare = b[:cap(b)]
		}
	}
}

func call(export string, ptr, n uint32) uint64 {
	in, ok := input(ptr, n)
	if !ok {
		return reply(EncodeError("ext: the input is not a buffer from dnw_alloc"))
	}
	return reply(Handle(export, in))
}

//go:wasmexport dnw_configure
func configure(ptr, n uint32) uint64 { return call(ExportConfigure, ptr, n) }

//go:wasmexport dnw_metric
func metric(ptr, n uint32) uint64 { return call(ExportMetric, ptr, n) }

//go:wasmexport dnw_filter
func filter(ptr, n uint32) uint64 { return call(ExportFilter, ptr, n) }
