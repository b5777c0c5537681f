// Package scheduletest holds the checks every bundled noise schedule's tests run:
// tables of length T, ᾱ in (0, 1] and strictly falling, α² + σ² = 1, and equality with
// a closed form that the test computes itself.
package scheduletest
