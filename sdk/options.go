package sdk

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// OptionType is the type of an option's value.
type OptionType string

const (
	OptionInt     OptionType = "int"     // int64
	OptionFloat   OptionType = "float"   // float64
	OptionBool    OptionType = "bool"    // bool
	OptionString  OptionType = "string"  // string
	OptionInts    OptionType = "ints"    // []int64
	OptionFloats  OptionType = "floats"  // []float64
	OptionStrings OptionType = "strings" // []string
)

// OptionSpec declares one option of a plugin.
type OptionSpec struct {
	Name     string
	Type     OptionType
	Default  any // of the Go type listed with Type (int64(8), not 8, for an int); required for every option
	Doc      string
	Min, Max *float64 // bounds of numbers (of each element of lists)
	Enum     []string // allowed strings (of each element of lists)
}

// Options are option values by name. Values have the Go types listed with
// OptionType; Resolve converts what a TOML decoder produces.
type Options map[string]any

// Int, Float, Bool, String, Ints, Floats and Strings read a resolved option; they
// panic if the plugin reads an option it did not declare with that type, which is a
// programmer error.
func (o Options) Int(name string) int          { return int(o[name].(int64)) }
func (o Options) Float(name string) float64    { return o[name].(float64) }
func (o Options) Bool(name string) bool        { return o[name].(bool) }
func (o Options) String(name string) string    { return o[name].(string) }
func (o Options) Floats(name string) []float64 { return o[name].([]float64) }
func (o Options) Strings(name string) []string { return o[name].([]string) }

// Ints reads a list of integers as ints.
func (o Options) Ints(name string) []int {
	v := o[name].([]int64)
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// Float bounds for OptionSpec.Min and Max.
func Float(v float64) *float64 { return &v }

// OptionError is a problem with one option value.
type OptionError struct {
	Option string
	Msg    string
}

func (e *OptionError) Error() string { return "option " + e.Option + ": " + e.Msg }

// Resolve checks opts against specs and returns them with defaults filled in and
// values converted to their declared Go types (an int where a float is expected, a
// []any from a TOML array). Every problem is returned, one OptionError each, with the
// nearest valid name for a misspelt option.
func Resolve(specs []OptionSpec, opts map[string]any) (Options, []*OptionError) {
	out := Options{}
	var errs []*OptionError
	for _, s := range specs {
		out[s.Name] = s.Default
	}
	names := make([]string, 0, len(opts))
	for n := range opts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		i := slices.IndexFunc(specs, func(s OptionSpec) bool { return s.Name == name })
		if i < 0 {
			msg := "unknown option"
			if best := Suggest(name, optionNames(specs)); best != "" {
				msg += "; did you mean " + best + "?"
			} else if len(specs) == 0 {
				msg += "; this plugin takes no options"
			}
			errs = append(errs, &OptionError{name, msg})
			continue
		}
		v, err := specs[i].convert(opts[name])
		if err != "" {
			errs = append(errs, &OptionError{name, err})
			continue
		}
		out[name] = v
	}
	return out, errs
}

func (s OptionSpec) check() error {
	if s.Name == "" {
		return fmt.Errorf("an option has no name")
	}
	// The type first: Resolve hands the plugin values of exactly these Go types, and
	// an untyped Go constant (Default: 8) is an int, not the int64 an int option holds.
	if want, ok := goTypes[s.Type]; ok && fmt.Sprintf("%T", s.Default) != want {
		msg := fmt.Sprintf("option %s: default is %T, want %s", s.Name, s.Default, want)
		if v, bad := s.convert(s.Default); bad == "" {
			msg += fmt.Sprintf(" (write Default: %s)", literal(v))
		}
		return errors.New(msg)
	}
	if _, msg := s.convert(s.Default); msg != "" {
		return fmt.Errorf("option %s: default: %s", s.Name, msg)
	}
	return nil
}

// goTypes are the Go types of option values, by OptionType.
var goTypes = map[OptionType]string{
	OptionInt: "int64", OptionFloat: "float64", OptionBool: "bool", OptionString: "string",
	OptionInts: "[]int64", OptionFloats: "[]float64", OptionStrings: "[]string",
}

// literal writes a converted default as Go source: int64(8), 8.0, []int64{1, 2}.
func literal(v any) string {
	switch v := v.(type) {
	case int64:
		return fmt.Sprintf("int64(%d)", v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return fmt.Sprintf("%.1f", v)
		}
	}
	return fmt.Sprintf("%#v", v)
}

// convert turns a decoded value into the option's Go type and checks its bounds.
func (s OptionSpec) convert(v any) (any, string) {
	bad := func() (any, string) { return nil, fmt.Sprintf("expected %s, got %T %v", s.Type, v, v) }
	switch s.Type {
	case OptionInt, OptionFloat, OptionBool, OptionString:
		x, ok := scalar(s.Type, v)
		if !ok {
			return bad()
		}
		return x, s.checkValue(x)
	case OptionInts, OptionFloats, OptionStrings:
		elem := OptionType(strings.TrimSuffix(string(s.Type), "s"))
		list, ok := toList(v)
		if !ok {
			return bad()
		}
		var out any
		switch s.Type {
		case OptionInts:
			out = make([]int64, 0, len(list))
		case OptionFloats:
			out = make([]float64, 0, len(list))
		default:
			out = make([]string, 0, len(list))
		}
		for i, e := range list {
			x, ok := scalar(elem, e)
			if !ok {
				return nil, fmt.Sprintf("element %d: expected %s, got %T %v", i, elem, e, e)
			}
			if msg := s.checkValue(x); msg != "" {
				return nil, fmt.Sprintf("element %d: %s", i, msg)
			}
			switch l := out.(type) {
			case []int64:
				out = append(l, x.(int64))
			case []float64:
				out = append(l, x.(float64))
			case []string:
				out = append(l, x.(string))
			}
		}
		return out, ""
	}
	return nil, fmt.Sprintf("unknown option type %q", s.Type)
}

func scalar(t OptionType, v any) (any, bool) {
	switch t {
	case OptionInt:
		switch n := v.(type) {
		case int64:
			return n, true
		case int:
			return int64(n), true
		}
	case OptionFloat:
		switch n := v.(type) {
		case float64:
			return n, true
		case int64:
			return float64(n), true
		case int:
			return float64(n), true
		}
	case OptionBool:
		b, ok := v.(bool)
		return b, ok
	case OptionString:
		s, ok := v.(string)
		return s, ok
	}
	return nil, false
}

func toList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []int64:
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = x
		}
		return out, true
	case []float64:
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = x
		}
		return out, true
	case []string:
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = x
		}
		return out, true
	}
	return nil, false
}

func (s OptionSpec) checkValue(x any) string {
	switch v := x.(type) {
	case int64, float64:
		f := toFloat(v)
		if s.Min != nil && f < *s.Min || s.Max != nil && f > *s.Max {
			return fmt.Sprintf("%v is out of range [%s, %s]", v, bound(s.Min, "-∞"), bound(s.Max, "∞"))
		}
	case string:
		if s.Enum != nil && !slices.Contains(s.Enum, v) {
			return fmt.Sprintf("%q is not one of %s", v, strings.Join(s.Enum, ", "))
		}
	}
	return ""
}

func toFloat(v any) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v.(float64)
}

func bound(b *float64, inf string) string {
	if b == nil {
		return inf
	}
	return fmt.Sprint(*b)
}

func optionNames(specs []OptionSpec) []string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return names
}
