package sdk_test

import (
	"strings"
	"testing"

	"dnw/sdk"
)

// A default of the wrong Go type is the first thing an author trips on: an untyped
// constant is an int, and an int option holds an int64. Check says so plainly.
func TestCheckNamesTheGoTypeOfADefault(t *testing.T) {
	for _, c := range []struct {
		spec sdk.OptionSpec
		want string
	}{
		{sdk.OptionSpec{Name: "width", Type: sdk.OptionInt, Default: 16},
			"option width: default is int, want int64 (write Default: int64(16))"},
		{sdk.OptionSpec{Name: "scale", Type: sdk.OptionFloat, Default: 2},
			"option scale: default is int, want float64 (write Default: 2.0)"},
		{sdk.OptionSpec{Name: "sizes", Type: sdk.OptionInts, Default: []int{1, 2}},
			"option sizes: default is []int, want []int64"},
		{sdk.OptionSpec{Name: "norm", Type: sdk.OptionString},
			"option norm: default is <nil>, want string"},
		{sdk.OptionSpec{Name: "width", Type: sdk.OptionInt, Default: int64(0), Min: sdk.Float(1)},
			"option width: default: 0 is out of range [1, ∞]"},
	} {
		err := sdk.Info{ID: "arch.x", Kind: sdk.KindArchitecture, Version: "1", Options: []sdk.OptionSpec{c.spec}}.Check()
		if err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want …%q", c.spec, err, c.want)
		}
	}
}
