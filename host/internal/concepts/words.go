package concepts

import (
	"slices"
	"strings"
	"unicode"
)

// clauseBreak is the token that punctuation becomes, so that a phrase never matches
// across two clauses of a prompt ("pixel art, photo" does not contain "art photo").
const clauseBreak = ","

// tokens splits text into lowercase words (runs of letters and digits, so
// "brown-toned" is "brown", "toned") and clause breaks (, ; : .).
func tokens(text string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(r)
		case strings.ContainsRune(",;:.", r):
			flush()
			if len(out) > 0 && out[len(out)-1] != clauseBreak {
				out = append(out, clauseBreak)
			}
		default:
			flush()
		}
	}
	flush()
	if len(out) > 0 && out[len(out)-1] == clauseBreak {
		out = out[:len(out)-1]
	}
	return out
}

// normalized is text as its tokens, so that prompts differing only in case, spacing
// or hyphens count as the same prompt.
func normalized(text string) string { return strings.Join(tokens(text), " ") }

// containsPhrase reports whether the phrase's words occur, in order and adjacent,
// inside the text.
func containsPhrase(text, phrase []string) bool {
	if len(phrase) == 0 {
		return false
	}
	for i := 0; i+len(phrase) <= len(text); i++ {
		if slices.Equal(text[i:i+len(phrase)], phrase) {
			return true
		}
	}
	return false
}

// fillerWords carry no meaning of a concept: articles, and the words of the prompt
// templates (connectors and frames, see prompts.go). They are left out of word sets
// so that two prompts of different concepts are not alike merely for sharing "with".
var fillerWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "in": true,
	"with": true, "and": true, "as": true, "look": true, "effect": true,
}

// wordSet is the set of a prompt's meaningful words, sorted.
func wordSet(text string) []string {
	var set []string
	for _, w := range tokens(text) {
		if w != clauseBreak && !fillerWords[w] {
			set = append(set, w)
		}
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted sets, 0 for two empty sets.
func jaccard(a, b []string) float64 {
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			common++
			i++
			j++
		}
	}
	union := len(a) + len(b) - common
	if union == 0 {
		return 0
	}
	return float64(common) / float64(union)
}
