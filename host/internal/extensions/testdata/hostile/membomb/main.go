// Command membomb is a hostile metric that allocates and touches memory until the
// runtime refuses more: the host's memory cap must stop it.
package main

import "dnw/sdk/ext"

func init() {
	ext.Metric(ext.Info{Name: "hostile-membomb", Version: "0", Description: "allocates until it fails"}, bomb)
}

func main() {}

var hoard [][]byte // kept alive, so the collector frees nothing

func bomb(pred, target ext.Images) ext.Score {
	for {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1 // touch every page
		}
		hoard = append(hoard, b)
	}
}
