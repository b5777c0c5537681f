package config

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"time"
)

// apply writes the loader's settings over the defaults in r, checking each value's type.
func (l *loader) apply(r *Resolved) {
	for _, key := range l.order {
		s := l.doc[key]
		head := joinKey(s.path[:2])
		f := fields[head] // flatten only records settings under known keys
		if len(s.path) > 2 {
			if !finite(s.value) {
				l.errorf(s.pos, key, "", "%s is not a finite number (an option cannot be nan or inf)", describe(s.value))
				continue
			}
			setOption(f.value(&r.Config), s.path[2:], s.value)
			r.origins[key] = s.pos
			continue
		}
		v, msg := convert(s.value, f)
		if msg != "" {
			l.errorf(s.pos, key, "", "%s", msg)
			continue
		}
		f.value(&r.Config).Set(reflect.ValueOf(v).Convert(f.value(&r.Config).Type()))
		r.origins[key] = s.pos
	}
}

// setOption stores a plugin option inside the open table m (a map[string]any value).
func setOption(m reflect.Value, path []string, value any) {
	if m.IsNil() {
		m.Set(reflect.ValueOf(map[string]any{}))
	}
	table := m.Interface().(map[string]any)
	for _, k := range path[:len(path)-1] {
		sub, ok := table[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			table[k] = sub
		}
		table = sub
	}
	table[path[len(path)-1]] = value
}

// convert turns a decoded TOML value into the field's Go type, or explains why not.
func convert(v any, f *Field) (any, string) {
	bad := func() (any, string) { return nil, fmt.Sprintf("expected %s, got %s", article(f.Kind), describe(v)) }
	switch f.Kind {
	case KindString:
		if s, ok := v.(string); ok {
			return s, ""
		}
	case KindInt:
		if i, ok := v.(int64); ok {
			return i, ""
		}
	case KindFloat:
		switch n := v.(type) {
		case float64:
			return n, ""
		case int64:
			return float64(n), ""
		}
	case KindBool:
		if b, ok := v.(bool); ok {
			return b, ""
		}
	case KindStrings:
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := make([]string, len(arr))
		for i, e := range arr {
			if out[i], ok = e.(string); !ok {
				return nil, fmt.Sprintf("expected an array of strings, element %d is %s", i, describe(e))
			}
		}
		return out, ""
	case KindInts:
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := make([]int, len(arr))
		for i, e := range arr {
			n, ok := e.(int64)
			if !ok {
				return nil, fmt.Sprintf("expected an array of integers, element %d is %s", i, describe(e))
			}
			out[i] = int(n)
		}
		return out, ""
	case KindDuration:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return nil, fmt.Sprintf("%q is not a duration such as \"2ms\" or \"1m30s\"", s)
		}
		return Duration{d}, ""
	case KindTable:
		return nil, fmt.Sprintf("expected a table of plugin options, got %s", describe(v))
	}
	return bad()
}

func article(k Kind) string {
	s := k.String()
	if s[0] == 'a' || s[0] == 'i' {
		return "an " + s
	}
	return "a " + s
}

// finite says whether a plugin option's value, and every element of an array, holds
// no nan or inf: a plugin's schema may not think to refuse them, and a stage's
// fingerprint, which records the options as JSON, cannot hold them.
func finite(v any) bool {
	switch v := v.(type) {
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	case []any:
		return !slices.ContainsFunc(v, func(e any) bool { return !finite(e) })
	case []map[string]any:
		return !slices.ContainsFunc(v, func(m map[string]any) bool { return !finite(slices.Collect(maps.Values(m))) })
	}
	return true
}
