// Command badptr is a hostile metric written against the ABI directly, without
// the SDK (whose exports would always hand back real buffers): its dnw_metric
// returns output the host must refuse: for a batch of one image a pointer past
// the end of its memory, for two a real pointer with a length of 4 GiB − 1, and
// otherwise an envelope whose status is neither ok nor error.
package main

import "unsafe"

var (
	info   = []byte(`{"abi":1,"name":"hostile-badptr","kind":"metric","version":"0","description":"returns output outside its memory"}`)
	ok     = []byte{0, 0, 0, 0} // an envelope with status 0 and no body
	bad    = []byte{7, 0, 0, 0} // an envelope with status 7
	pinned = map[uint32][]byte{}
)

func main() {}

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func pack(ptr, n uint32) uint64 { return uint64(ptr)<<32 | uint64(n) }

//go:wasmexport dnw_abi_version
func abiVersion() uint32 { return 1 }

//go:wasmexport dnw_info
func dnwInfo() uint64 { return pack(addr(info), uint32(len(info))) }

//go:wasmexport dnw_alloc
func alloc(size uint32) uint32 {
	b := make([]byte, max(size, 1))
	pinned[addr(b)] = b
	return addr(b)
}

//go:wasmexport dnw_free
func free(ptr uint32) { delete(pinned, ptr) }

//go:wasmexport dnw_configure
func configure(ptr, n uint32) uint64 { return pack(addr(ok), uint32(len(ok))) }

//go:wasmexport dnw_metric
func metric(ptr, n uint32) uint64 {
	switch images := *(*uint32)(unsafe.Pointer(uintptr(ptr))); images {
	case 1:
		return pack(0xffff0000, 4096)
	case 2:
		return pack(addr(ok), 0xffffffff)
	default:
		return pack(addr(bad), uint32(len(bad)))
	}
}
