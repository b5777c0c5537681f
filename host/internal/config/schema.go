package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Kind is the TOML shape of a key's value.
type Kind int

const (
	KindString Kind = iota
	KindInt
	KindFloat
	KindBool
	KindStrings  // array of strings
	KindInts     // array of integers
	KindDuration // string such as "2ms", parsed by time.ParseDuration
	KindTable    // open table of plugin options, checked by the plugin
)

func (k Kind) String() string {
	return [...]string{"string", "integer", "float", "boolean", "array of strings",
		"array of integers", "duration string", "table"}[k]
}

// Field is one key of the schema.
type Field struct {
	Key      string // "weightgen.chunk_size"
	Section  string // "weightgen"
	Name     string // "chunk_size"
	Kind     Kind
	Doc      string
	Min, Max *float64 // bounds of numbers (of each element, for arrays; nanoseconds for durations)
	Enum     []string // allowed strings (of each element, for arrays)
	Pattern  string   // "name", "device", or "plugin:KIND" for a plugin id of that kind; see checkPattern
	Required bool

	index []int // reflect path into Config
}

// Section is one [table] of an experiment file.
type Section struct {
	Name   string
	Doc    string
	Fields []*Field
}

// Duration is a time.Duration written as a string in TOML ("2ms", "1m30s").
type Duration struct{ time.Duration }

var (
	sections = buildSchema()
	fields   = indexFields(sections)
)

// Sections returns the schema in file order.
func Sections() []Section { return sections }

// Lookup returns the field of a dotted key such as "weightgen.chunk_size".
func Lookup(key string) (*Field, bool) {
	f, ok := fields[key]
	return f, ok
}

func buildSchema() []Section {
	t := reflect.TypeFor[Config]()
	var out []Section
	for i := range t.NumField() {
		sf := t.Field(i)
		s := Section{Name: sf.Tag.Get("toml"), Doc: sf.Tag.Get("doc")}
		s.Fields = sectionFields(s.Name, sf.Type, []int{i})
		out = append(out, s)
	}
	return out
}

// sectionFields flattens a section struct; embedded structs (Training) add their keys.
func sectionFields(section string, t reflect.Type, index []int) []*Field {
	var out []*Field
	for i := range t.NumField() {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		if sf.Anonymous {
			out = append(out, sectionFields(section, sf.Type, idx)...)
			continue
		}
		f := &Field{
			Section:  section,
			Name:     sf.Tag.Get("toml"),
			Kind:     kindOf(sf.Type),
			Doc:      sf.Tag.Get("doc"),
			Pattern:  sf.Tag.Get("pattern"),
			Required: sf.Tag.Get("required") == "true",
			index:    idx,
		}
		f.Key = section + "." + f.Name
		f.Min = parseBound(f.Kind, sf.Tag.Get("min"))
		f.Max = parseBound(f.Kind, sf.Tag.Get("max"))
		if e := sf.Tag.Get("enum"); e != "" {
			f.Enum = strings.Split(e, ",")
		}
		out = append(out, f)
	}
	return out
}

func kindOf(t reflect.Type) Kind {
	switch {
	case t == reflect.TypeFor[Duration]():
		return KindDuration
	case t.Kind() == reflect.String:
		return KindString
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		return KindInt
	case t.Kind() == reflect.Float64:
		return KindFloat
	case t.Kind() == reflect.Bool:
		return KindBool
	case t == reflect.TypeFor[[]string]():
		return KindStrings
	case t == reflect.TypeFor[[]int]():
		return KindInts
	case t == reflect.TypeFor[map[string]any]():
		return KindTable
	}
	panic(fmt.Sprintf("config: schema field of unsupported type %s", t))
}

// parseBound reads a min or max tag: a number, or for a duration a string such as
// "24h", kept as nanoseconds.
func parseBound(k Kind, s string) *float64 {
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if k == KindDuration {
		var d time.Duration
		d, err = time.ParseDuration(s)
		v = float64(d)
	}
	if err != nil {
		panic(fmt.Sprintf("config: bad bound %q in schema", s))
	}
	return &v
}

func indexFields(ss []Section) map[string]*Field {
	m := map[string]*Field{}
	for _, s := range ss {
		for _, f := range s.Fields {
			if _, dup := m[f.Key]; dup {
				panic("config: duplicate schema key " + f.Key)
			}
			m[f.Key] = f
		}
	}
	return m
}

// value returns the field's storage inside c.
func (f *Field) value(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(f.index)
}

// Value returns the field's value in c as a plain Go value (Duration as its string).
func (f *Field) Value(c *Config) any {
	v := f.value(c).Interface()
	if d, ok := v.(Duration); ok {
		return d.String()
	}
	return v
}
