// Package buildinfo tells which dnw this is and what it runs on, for `dnw version` and
// for the manifest every run saves beside its artifacts.
package buildinfo
