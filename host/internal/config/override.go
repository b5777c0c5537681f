package config

import (
	"strings"

	"github.com/BurntSushi/toml"
)

// override applies one --set argument, "key.path=value", as if it were a file of one
// line: unknown keys and wrong types are reported the same way, at Pos "--set ARG".
//
// The value is TOML (42, 0.5, true, [64, 128], "text"); for string keys quotes may be
// left out, so `--set model.arch=arch.e2gan` works.
func (l *loader) override(arg string) {
	pos := Pos{File: "--set " + arg}
	rawKey, rawValue, ok := strings.Cut(arg, "=")
	if !ok {
		l.errorf(pos, "", "", "expected KEY=VALUE, e.g. --set weightgen.chunk_size=128")
		return
	}
	path, ok := parseKey(strings.TrimSpace(rawKey))
	if !ok {
		l.errorf(pos, "", "", "%q is not a TOML key path", rawKey)
		return
	}
	l.setAt(path, parseValue(strings.TrimSpace(rawValue), path), pos)
}

// set applies a Set: its key and value checked like a file's, reported at its Pos.
func (l *loader) set(s Set) {
	path, ok := parseKey(s.Key)
	if !ok {
		l.errorf(s.Pos, "", "", "%q is not a TOML key path", s.Key)
		return
	}
	l.setAt(path, s.Value, s.Pos)
}

// setAt sets the value at path as if a file of one line at pos had set it.
func (l *loader) setAt(path []string, value any, pos Pos) {
	tree := map[string]any{}
	m := tree
	for _, k := range path[:len(path)-1] {
		sub := map[string]any{}
		m[k] = sub
		m = sub
	}
	m[path[len(path)-1]] = value
	l.flatten(tree, nil, func([]string) Pos { return pos })
}

// parseKey splits a dotted TOML key, honouring quotes ("weightgen.options.\"schedule.cosine\".s").
func parseKey(s string) ([]string, bool) {
	var m map[string]any
	md, err := toml.Decode(s+" = 0", &m)
	if err != nil || len(md.Keys()) == 0 {
		return nil, false
	}
	keys := md.Keys()
	return keys[len(keys)-1], true
}

// parseValue reads a TOML value; strings may be bare for string-valued keys, and
// anything that is not valid TOML is taken as a string (the type check then names it).
func parseValue(raw string, path []string) any {
	if f, ok := fields[joinKey(path)]; ok && (f.Kind == KindString || f.Kind == KindDuration) &&
		!strings.HasPrefix(raw, `"`) && !strings.HasPrefix(raw, `'`) {
		return raw
	}
	var m map[string]any
	if _, err := toml.Decode("v = "+raw, &m); err != nil {
		return raw
	}
	return m["v"]
}
