// Command panic is a hostile metric that panics: the SDK recovers the panic into
// an error the host reports as the guest's own.
package main

import "dnw/sdk/ext"

func init() {
	ext.Metric(ext.Info{Name: "hostile-panic", Version: "0", Description: "panics"}, explode)
}

func main() {}

func explode(pred, target ext.Images) ext.Score {
	panic("hostile guest gave up on a batch of " + itoa(pred.N))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
