package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// maxIncludeDepth bounds include chains; real ablations need two or three levels.
const maxIncludeDepth = 16

// Load reads the experiment file at path (and the files it includes), applies the
// --set overrides ("key.path=value") after it, and checks the result against the schema.
// Every problem found is returned together as [Errors].
func Load(path string, overrides []string) (*Resolved, error) {
	return LoadSettings(path, nil, overrides)
}

// Set is one key an outside file sets on an experiment, with its value as that
// file's TOML gave it and where: a sweep's axis sets the keys of its trials.
type Set struct {
	Key   string // dotted, as --set takes it: "weightgen.chunk_size"
	Value any
	Pos   Pos
}

// LoadSettings is Load with sets applied after the files and before the --set
// overrides; a problem with a set's key or value is reported at its Pos.
func LoadSettings(path string, sets []Set, overrides []string) (*Resolved, error) {
	return load(os.ReadFile, func(parent, rel string) string {
		if filepath.IsAbs(rel) {
			return rel
		}
		return filepath.Join(filepath.Dir(parent), rel)
	}, path, sets, overrides)
}

// LoadFS is Load for a file inside fsys, such as the experiments embedded in the binary.
func LoadFS(fsys fs.FS, name string, overrides []string) (*Resolved, error) {
	return load(func(n string) ([]byte, error) { return fs.ReadFile(fsys, n) },
		func(parent, rel string) string { return path.Join(path.Dir(parent), rel) },
		name, nil, overrides)
}

func load(read func(string) ([]byte, error), join func(parent, rel string) string,
	name string, sets []Set, overrides []string) (*Resolved, error) {
	l := &loader{read: read, join: join, doc: map[string]setting{}}
	l.file(name, Pos{File: name})
	for _, s := range sets {
		l.set(s)
	}
	for _, o := range overrides {
		l.override(o)
	}
	r := &Resolved{Config: Default(), File: name, origins: map[string]Pos{}}
	l.apply(r)
	if !l.unreadable {
		// A file that did not parse contributed nothing, so "missing key" would mislead.
		l.errs = append(l.errs, r.validate()...)
	}
	if err := l.errs.orNil(); err != nil {
		return nil, err
	}
	return r, nil
}

// setting is one leaf value and where it was set.
type setting struct {
	path  []string
	value any
	pos   Pos
}

// loader merges files and overrides into one flat document of leaf settings; a later
// setting of the same key replaces an earlier one.
type loader struct {
	read  func(string) ([]byte, error)
	join  func(parent, rel string) string
	doc   map[string]setting // joined key → setting
	order []string           // keys in the order first set
	stack []string           // include chain, for cycles
	errs  Errors

	unreadable bool // a file could not be read or parsed
}

func (l *loader) errorf(pos Pos, key, hint, format string, args ...any) {
	l.errs = append(l.errs, &Error{Pos: pos, Key: key, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (l *loader) put(s setting) {
	k := joinKey(s.path)
	if _, seen := l.doc[k]; !seen {
		l.order = append(l.order, k)
	}
	l.doc[k] = s
}

// file loads one file; from is where it was named (the include line, or itself).
func (l *loader) file(name string, from Pos) {
	if slices.Contains(l.stack, name) {
		l.errorf(from, "include", "", "include cycle: %s", strings.Join(append(l.stack, name), " → "))
		return
	}
	if len(l.stack) >= maxIncludeDepth {
		l.errorf(from, "include", "", "includes nested deeper than %d files", maxIncludeDepth)
		return
	}
	data, err := l.read(name)
	if err != nil {
		l.errorf(from, "", "", "cannot read experiment file: %v", unwrapPathError(err))
		l.unreadable = true
		return
	}
	var tree map[string]any
	if _, err := toml.Decode(string(data), &tree); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			l.errorf(Pos{File: name, Line: pe.Position.Line}, pe.LastKey, "", "%s", pe.Message)
		} else {
			l.errorf(Pos{File: name}, "", "", "%v", err)
		}
		l.unreadable = true
		return
	}
	lines := newLineFinder(string(data))
	posOf := func(p []string) Pos { return Pos{File: name, Line: lines.line(p)} }

	l.stack = append(l.stack, name)
	for _, inc := range l.includes(tree["include"], posOf([]string{"include"})) {
		l.file(l.join(name, inc), posOf([]string{"include"}))
	}
	l.stack = l.stack[:len(l.stack)-1]
	delete(tree, "include")
	l.flatten(tree, nil, posOf)
}

func (l *loader) includes(v any, pos Pos) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				l.errorf(pos, "include", "", "expected a file path or an array of them, got %s", describe(e))
				return nil
			}
			out = append(out, s)
		}
		return out
	}
	l.errorf(pos, "include", "", "expected a file path or an array of them, got %s", describe(v))
	return nil
}

// flatten walks a decoded TOML table, reporting unknown keys and recording leaves.
func (l *loader) flatten(m map[string]any, prefix []string, posOf func([]string) Pos) {
	for _, k := range sortedKeys(m) {
		v := m[k]
		p := append(slices.Clone(prefix), k)
		key := joinKey(p)
		switch {
		case len(p) == 1:
			if _, ok := sectionNamed(k); !ok {
				l.errorf(posOf(p), key, hintFor("", k), "unknown section or key")
				continue
			}
			sub, ok := v.(map[string]any)
			if !ok {
				l.errorf(posOf(p), key, "", "expected a table [%s], got %s", k, describe(v))
				continue
			}
			l.flatten(sub, p, posOf)
		case len(p) == 2:
			f, ok := fields[key]
			if !ok {
				l.errorf(posOf(p), key, hintFor(p[0], k), "unknown key")
				continue
			}
			if sub, isTable := v.(map[string]any); isTable && f.Kind == KindTable {
				l.flatten(sub, p, posOf)
				continue
			}
			l.put(setting{path: p, value: v, pos: posOf(p)})
		default: // inside an open table of plugin options
			if sub, isTable := v.(map[string]any); isTable {
				l.flatten(sub, p, posOf)
				continue
			}
			l.put(setting{path: p, value: v, pos: posOf(p)})
		}
	}
}

// joinKey writes a key path as TOML does, quoting parts that need it.
func joinKey(p []string) string { return toml.Key(p).String() }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// describe names a decoded TOML value's type for error messages.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("string %q", v)
	case int64:
		return fmt.Sprintf("integer %d", v)
	case float64:
		return fmt.Sprintf("float %v", v)
	case bool:
		return fmt.Sprintf("boolean %v", v)
	case map[string]any:
		return "a table"
	case []any, []map[string]any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}
