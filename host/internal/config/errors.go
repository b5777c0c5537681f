package config

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is where a value was set: a file and line, or a --set override.
type Pos struct {
	File string // file path as given, or "--set KEY=VALUE" for overrides
	Line int    // 1-based; 0 when unknown (a missing key, a whole file)
}

func (p Pos) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// Error is one problem with an experiment, located at Pos and naming Key.
type Error struct {
	Pos  Pos
	Key  string // dotted key path; empty for problems of a whole file
	Msg  string
	Hint string // e.g. "did you mean chunk_size?"; may be empty
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Errors is every problem found in one load, in file and line order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find the individual errors.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// orNil sorts the errors by position and returns nil when there are none, so callers
// can `return errs.orNil()` without a typed-nil trap.
func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Pos.File != es[j].Pos.File {
			return es[i].Pos.File < es[j].Pos.File
		}
		return es[i].Pos.Line < es[j].Pos.Line
	})
	return es
}
