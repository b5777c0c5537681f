package hashgram

import (
	"hash/fnv"
	"slices"
	"testing"
)

func TestHashIsFNV1a64(t *testing.T) {
	for _, s := range []string{"", "a", "sepia", "c\x00<ske", "héllo wörld"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := hashString(offset64, s), h.Sum64(); got != want {
			t.Errorf("hash(%q) = %x, hash/fnv gives %x", s, got, want)
		}
	}
	h := fnv.New64a()
	h.Write([]byte("w\x00sepia"))
	if hashString(wordSeed, "sepia") != h.Sum64() {
		t.Error("a seed does not continue the hash")
	}
}

func TestCharGrams(t *testing.T) {
	var got []string
	charGrams("cat", 3, 5, func(g string) { got = append(got, g) })
	want := []string{"<ca", "cat", "at>", "<cat", "cat>", "<cat>"}
	if !slices.Equal(got, want) {
		t.Errorf("grams of cat: %q, want %q", got, want)
	}
	got = got[:0]
	charGrams("é", 2, 4, func(g string) { got = append(got, g) }) // runes, not bytes
	if want := []string{"<é", "é>", "<é>"}; !slices.Equal(got, want) {
		t.Errorf("grams of é: %q, want %q", got, want)
	}
}
