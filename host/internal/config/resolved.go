package config

import (
	"fmt"
	"reflect"
	"strings"
)

// Resolved is an experiment after includes, overrides and defaults: the Config and
// where each of its values came from.
type Resolved struct {
	Config  Config
	File    string // the experiment file named on the command line
	origins map[string]Pos
}

// Origin tells where the value of key was set; false means it is the default.
func (r *Resolved) Origin(key string) (Pos, bool) {
	p, ok := r.origins[key]
	return p, ok
}

// Errorf is a problem with the value at key, located where key (or a key inside
// it) was set, else at the experiment file: for checks made after loading, such
// as whether the plugins and extensions an experiment names exist.
func (r *Resolved) Errorf(key, format string, args ...any) *Error {
	pos, ok := r.OriginUnder(key)
	if !ok {
		pos = Pos{File: r.File}
	}
	return &Error{Pos: pos, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// OriginUnder tells where key, or the first-set key inside the table key, was set.
func (r *Resolved) OriginUnder(key string) (Pos, bool) {
	if p, ok := r.origins[key]; ok {
		return p, true
	}
	var best Pos
	found := false
	for k, p := range r.origins {
		if strings.HasPrefix(k, key+".") && (!found || p.File == best.File && p.Line < best.Line) {
			best, found = p, true
		}
	}
	return best, found
}

// Known reports whether key is a key of the schema or the name of a section, as
// Values accepts.
func Known(key string) bool {
	_, isField := fields[key]
	_, isSection := sectionNamed(key)
	return isField || isSection
}

// Values returns the current values of the given keys; a section name stands for all of
// its keys. Stages use it to fingerprint exactly the configuration they depend on.
// An unknown key is a programmer error and panics.
func (c *Config) Values(keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if f, ok := fields[k]; ok {
			out[k] = f.Value(c)
			continue
		}
		s, ok := sectionNamed(k)
		if !ok {
			panic("config: Values of unknown key " + k)
		}
		for _, f := range s.Fields {
			out[f.Key] = f.Value(c)
		}
	}
	return out
}

// Value is the value at a dotted key: a schema field, or a key inside one of the
// options tables ("weightgen.options.\"text.hashgram\".dim"); ok is false when
// nothing is set there.
func (c *Config) Value(key string) (any, bool) {
	path, ok := parseKey(key)
	if !ok {
		return nil, false
	}
	for i := len(path); i > 0; i-- {
		f, known := fields[joinKey(path[:i])]
		if !known {
			continue
		}
		v := f.Value(c)
		for _, k := range path[i:] {
			m, isMap := v.(map[string]any)
			if !isMap {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		}
		return v, true
	}
	return nil, false
}

// IsDefault reports whether field f of c holds dnw's default value.
func (c *Config) IsDefault(f *Field) bool {
	def := Default()
	a, b := f.Value(c), f.Value(&def)
	if m, ok := a.(map[string]any); ok && len(m) == 0 {
		return b == nil || len(b.(map[string]any)) == 0
	}
	return reflect.DeepEqual(a, b)
}

// Diff lists the keys whose values differ between a and b, in schema order.
func Diff(a, b *Config) []string {
	var out []string
	for _, s := range sections {
		for _, f := range s.Fields {
			if !reflect.DeepEqual(f.Value(a), f.Value(b)) {
				out = append(out, f.Key)
			}
		}
	}
	return out
}
