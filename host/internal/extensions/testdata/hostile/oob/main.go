// Command oob is a hostile metric that writes outside its linear memory through
// unsafe pointer arithmetic: WebAssembly's bounds check must trap.
package main

import (
	"unsafe"

	"dnw/sdk/ext"
)

func init() {
	ext.Metric(ext.Info{Name: "hostile-oob", Version: "0", Description: "writes beyond its memory"}, scribble)
}

func main() {}

// beyond is an address far past any memory the cap allows (4 GiB − 16).
var beyond uintptr = 1<<32 - 16

func scribble(pred, target ext.Images) ext.Score {
	p := (*uint64)(unsafe.Pointer(beyond))
	*p = 0xdeadbeef
	return ext.Score{Value: float64(*p)}
}
