package config

import (
	"errors"

	"github.com/BurntSushi/toml"
)

// lineFinder tells the line on which a key of a TOML document is set.
//
// BurntSushi/toml records every key's position but exposes it only through decode
// errors. So the document is decoded into Primitives, which keep each key's context,
// and the key is then decoded into a type whose UnmarshalTOML always fails: the
// resulting ParseError carries that key's position.
type lineFinder struct {
	md  toml.MetaData
	top map[string]toml.Primitive
}

func newLineFinder(data string) lineFinder {
	var top map[string]toml.Primitive
	md, err := toml.Decode(data, &top)
	if err != nil {
		return lineFinder{} // the caller has already reported the syntax error
	}
	return lineFinder{md: md, top: top}
}

var errPositionProbe = errors.New("position probe")

type positionProbe struct{}

func (positionProbe) UnmarshalTOML(any) error { return errPositionProbe }

// line returns the 1-based line of the key at path, or 0 when it cannot be told
// (keys inside arrays of tables).
func (lf lineFinder) line(path []string) int {
	prim, ok := lf.top[path[0]]
	for _, k := range path[1:] {
		var m map[string]toml.Primitive
		if !ok || lf.md.PrimitiveDecode(prim, &m) != nil {
			return 0
		}
		prim, ok = m[k]
	}
	if !ok {
		return 0
	}
	return PrimitiveLine(lf.md, prim)
}

// PrimitiveLine is the 1-based line on which a value decoded as a toml.Primitive
// was set, or 0 when it cannot be told: for files other than experiments (sweep
// files) whose errors must name lines too.
func PrimitiveLine(md toml.MetaData, p toml.Primitive) int {
	var probe positionProbe
	var pe toml.ParseError
	if errors.As(md.PrimitiveDecode(p, &probe), &pe) {
		return pe.Position.Line
	}
	return 0
}
