package hashgram

import (
	"strings"
	"unicode"
)

// Words lowercases s and splits it into words: maximal runs of letters, digits and
// combining marks (so a decomposed "café" stays one word); everything else separates.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// charGrams calls f with every n-gram, nMin ≤ n ≤ nMax, of the runes of "<" + word +
// ">" (fastText's boundary markers, Bojanowski et al. 2017, §3.2, so that prefixes and
// suffixes differ from the same letters inside a word). Words hold no '<' or '>', so
// the markers are unambiguous. A padded word shorter than n has no n-gram. Invalid
// UTF-8 bytes count as one rune each, as range over a string yields them.
func charGrams(word string, nMin, nMax int, f func(gram string)) {
	padded := "<" + word + ">"
	starts := make([]int, 0, len(padded)+1) // byte offset of each rune, and the end
	for i := range padded {
		starts = append(starts, i)
	}
	starts = append(starts, len(padded))
	runes := len(starts) - 1
	for n := nMin; n <= nMax && n <= runes; n++ {
		for i := 0; i+n <= runes; i++ {
			f(padded[starts[i]:starts[i+n]])
		}
	}
}

// FNV-1a 64 (Fowler, Noll, Vo; the IETF draft "The FNV Non-Cryptographic Hash
// Algorithm", and Go's hash/fnv New64a): offset basis and prime. Inlined to hash
// substrings without allocating.
const (
	offset64 uint64 = 14695981039346656037
	prime64  uint64 = 1099511628211
)

// hashString continues an FNV-1a 64 hash h over the bytes of s.
func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime64
	}
	return h
}

// The three kinds of feature hash in separate namespaces, so that the word "art" and
// the 3-gram "art" inside "<party>" are different features: each hash starts from the
// FNV state after a kind byte and a NUL (a byte no word contains; a bigram also joins
// its two words with one).
var (
	wordSeed   = hashString(offset64, "w\x00")
	bigramSeed = hashString(offset64, "b\x00")
	charSeed   = hashString(offset64, "c\x00")
)
