// Command fatal is a hostile metric that dies of a Go runtime fatal error, which
// no recover can catch: a stack overflow (the stack limit lowered to 1 MiB, so it
// overflows long before the memory cap).
package main

import (
	"runtime/debug"

	"dnw/sdk/ext"
)

func init() {
	ext.Metric(ext.Info{Name: "hostile-fatal", Version: "0", Description: "overflows its stack"}, overflow)
}

func main() {}

func overflow(pred, target ext.Images) ext.Score {
	debug.SetMaxStack(1 << 20)
	return ext.Score{Value: float64(recurse(pred.N + 1))}
}

//go:noinline
func recurse(n int) int {
	var pad [64]byte // a bigger frame, so the stack fills sooner
	pad[n%64] = byte(n)
	return recurse(n+1) + int(pad[(n+1)%64])
}
