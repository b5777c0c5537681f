package sdktest

import (
	"fmt"
	"math"

	"dnw/sdk"
)

// timesteps are the T Conformance asks a schedule for: 1, the smallest
// weightgen.timesteps an experiment accepts; 1000, dnw's default (and DDPM's); and 10.
var timesteps = []int{1, 10, 1000}

// tableTolerance is how far α_t and σ_t may be from √ᾱ_t and √(1 − ᾱ_t): rounding
// of float64 square roots, with room for a schedule computed another way.
const tableTolerance = 1e-9

// schedule checks Tables for every T of timesteps.
func (c *checker) schedule(s sdk.NoiseSchedule) {
	c.t.Helper()
	for _, T := range timesteps {
		call := fmt.Sprintf("Tables(T = %d, default options)", T)
		tab, err := s.Tables(c.ctx(), T, nil)
		if err != nil {
			c.errorf("%s: %v", call, err)
			continue
		}
		c.tables(call, tab, T)
		if again, err := s.Tables(c.ctx(), T, nil); err == nil {
			c.deterministic(call, tab, again)
		}
	}
}

// tables checks one set of tables for T timesteps; it reports the first bad entry of
// each kind only.
func (c *checker) tables(call string, tab sdk.ScheduleTables, T int) {
	c.t.Helper()
	if len(tab.AlphaBar) != T || len(tab.Alpha) != T || len(tab.Sigma) != T {
		c.errorf("%s: tables of %d, %d and %d entries, want %d each (t = 1..T at index t−1)",
			call, len(tab.AlphaBar), len(tab.Alpha), len(tab.Sigma), T)
		return
	}
	for i, ab := range tab.AlphaBar {
		t := i + 1
		a, s := tab.Alpha[i], tab.Sigma[i]
		switch {
		case math.IsNaN(ab) || ab < 0 || ab > 1:
			c.errorf("%s: ᾱ_%d = %v, want it in [0, 1]", call, t, ab)
			return
		case i > 0 && ab > tab.AlphaBar[i-1]:
			c.errorf("%s: ᾱ_%d = %v > ᾱ_%d = %v: ᾱ_t, a cumulative product of (1 − β_s), never increases", call, t, ab, t-1, tab.AlphaBar[i-1])
			return
		case !(math.Abs(a-math.Sqrt(ab)) <= tableTolerance):
			c.errorf("%s: α_%d = %v, want √ᾱ_%d = %v", call, t, a, t, math.Sqrt(ab))
			return
		case !(math.Abs(s-math.Sqrt(1-ab)) <= tableTolerance):
			c.errorf("%s: σ_%d = %v, want √(1 − ᾱ_%d) = %v", call, t, s, t, math.Sqrt(1-ab))
			return
		}
	}
}
