package config

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

// TOML renders the resolved configuration, every key of every section, as a file that
// Load reads back to the same Config. With marked set, each value that differs from
// dnw's default gets a trailing "# * FILE:LINE" (or "# * --set ...") saying where it was
// set; `dnw show` prints that form.
func (r *Resolved) TOML(header string, marked bool) []byte {
	var b bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		fmt.Fprintf(&b, "# %s\n", line)
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "\n[%s]\n", s.Name)
		if marked && s.Doc != "" {
			fmt.Fprintf(&b, "# %s\n", s.Doc)
		}
		var lines []keyLine
		var tables []*Field
		for _, f := range s.Fields {
			if f.Kind == KindTable {
				tables = append(tables, f)
				continue
			}
			l := keyLine{text: f.Name + " = " + formatValue(f.Value(&r.Config))}
			if marked && !r.Config.IsDefault(f) {
				l.mark = r.mark(f.Key)
			}
			lines = append(lines, l)
		}
		writeAligned(&b, lines)
		for _, f := range tables {
			if m, _ := f.Value(&r.Config).(map[string]any); len(m) > 0 {
				r.writeTable(&b, []string{f.Section, f.Name}, m, marked)
			}
		}
	}
	return b.Bytes()
}

type keyLine struct{ text, mark string }

func (r *Resolved) mark(key string) string {
	if pos, ok := r.origins[key]; ok {
		return "# * " + pos.String()
	}
	return "# *"
}

// writeTable writes an open table of plugin options: its plain values under its own
// header, then each sub-table under a longer one.
func (r *Resolved) writeTable(b *bytes.Buffer, path []string, m map[string]any, marked bool) {
	var lines []keyLine
	var subs []string
	for _, k := range sortedKeys(m) {
		if _, isTable := m[k].(map[string]any); isTable {
			subs = append(subs, k)
			continue
		}
		l := keyLine{text: joinKey([]string{k}) + " = " + formatValue(m[k])}
		if marked {
			l.mark = r.mark(joinKey(append(path, k)))
		}
		lines = append(lines, l)
	}
	if len(lines) > 0 {
		fmt.Fprintf(b, "\n[%s]\n", joinKey(path))
		writeAligned(b, lines)
	}
	for _, k := range subs {
		r.writeTable(b, append(path[:len(path):len(path)], k), m[k].(map[string]any), marked)
	}
}

// maxAlign is the widest key line that marks are aligned after; a longer line (a
// long description) gets its mark right after it instead of pushing every mark right.
const maxAlign = 40

// writeAligned writes key lines with their marks lined up in one column.
func writeAligned(b *bytes.Buffer, lines []keyLine) {
	width := 0
	for _, l := range lines {
		if l.mark != "" && len(l.text) <= maxAlign {
			width = max(width, len(l.text))
		}
	}
	for _, l := range lines {
		if l.mark == "" {
			fmt.Fprintln(b, l.text)
			continue
		}
		fmt.Fprintf(b, "%-*s  %s\n", width, l.text, l.mark)
	}
}

// formatValue writes one value as TOML, using the TOML encoder so that strings,
// floats and arrays are quoted and formatted exactly as the decoder expects.
func formatValue(v any) string {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(map[string]any{"v": v}); err != nil {
		panic(fmt.Sprintf("config: cannot encode %#v: %v", v, err)) // schema values always encode
	}
	s := strings.TrimSpace(strings.TrimPrefix(b.String(), "v = "))
	if s == "" { // the encoder omits nil slices
		return "[]"
	}
	return s
}
