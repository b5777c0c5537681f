// Command loop is a hostile metric that never returns: the host's deadline must
// stop it.
package main

import "dnw/sdk/ext"

func init() {
	ext.Metric(ext.Info{Name: "hostile-loop", Version: "0", Description: "spins forever"}, spin)
}

func main() {}

var counter uint64 // a global, so the compiler cannot drop the loop

func spin(pred, target ext.Images) ext.Score {
	for {
		counter++
	}
}
