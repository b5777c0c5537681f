package conceptdirs

import (
	"slices"
	"strings"
	"testing"
)

func TestParsePrompts(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"one", []string{"one"}},
		{"\ufeffone\r\ntwo\r\n", []string{"one", "two"}},
		{"# comment\n\n  spaced out  \n\t\n  # indented comment\nlast", []string{"spaced out", "last"}},
		{"a # not a comment\n", []string{"a # not a comment"}},
		{"old\rmac\r", []string{"old", "mac"}},
	} {
		if got := parsePrompts(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("parsePrompts(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func FuzzParsePrompts(f *testing.F) {
	f.Add("# c\none\r\n\n two \n")
	f.Add("\ufeff#\n#x\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range parsePrompts(text) {
			if p == "" || strings.HasPrefix(p, "#") || strings.ContainsAny(p, "\r\n") || strings.TrimSpace(p) != p {
				t.Fatalf("parsePrompts(%q) yields %q", text, p)
			}
		}
	})
}
