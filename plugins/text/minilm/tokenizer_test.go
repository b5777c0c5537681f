package minilm

import (
	"slices"
	"strings"
	"testing"
)

// tinyTokenizer has a vocabulary of a few pieces, so the tokenizer's rules can be
// tested without the model files (reference_test.go checks the real one).
func tinyTokenizer(maxLen int) *Tokenizer {
	vocab := map[string]int32{}
	for i, tok := range []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
		"sepia", "photo", "##graph", "##s", "un", "##aff", "##able", ",", "!", "cafe", "日", "本", "a", "b", "$"} {
		vocab[tok] = int32(i)
	}
	return &Tokenizer{
		vocab: vocab, unk: 1, cls: 2, sep: 3, maxLen: maxLen, maxWordChars: 100, prefix: "##",
		added: []addedToken{{"[PAD]", 0}, {"[UNK]", 1}, {"[CLS]", 2}, {"[SEP]", 3}, {"[MASK]", 4}},
	}
}

func TestTokenizer(t *testing.T) {
	tok := tinyTokenizer(128)
	for _, tc := range []struct {
		text string
		want []int32
	}{
		{"", []int32{2, 3}},
		{" \t\n", []int32{2, 3}},
		{"Sepia photograph", []int32{2, 5, 6, 7, 3}},            // lowercase; greedy longest piece, "##" continuation
		{"photographs", []int32{2, 6, 7, 8, 3}},                 // three pieces
		{"unaffable", []int32{2, 9, 10, 11, 3}},                 // BERT paper's example
		{"photox", []int32{2, 1, 3}},                            // a stretch without a piece: the whole word is [UNK]
		{"sepia,photo!", []int32{2, 5, 12, 6, 13, 3}},           // punctuation is a word of its own
		{"a$b", []int32{2, 17, 19, 18, 3}},                      // ASCII symbols count as punctuation
		{"CAFÉ", []int32{2, 14, 3}},                             // accents stripped (NFD, nonspacing marks dropped)
		{"日本", []int32{2, 15, 16, 3}},                           // spaces around CJK ideographs
		{"se\u200bpia\x00", []int32{2, 5, 3}},                   // format and control characters removed
		{"a\u00a0b\u2028a", []int32{2, 17, 18, 17, 3}},          // Unicode whitespace separates
		{"a[MASK]b [mask]", []int32{2, 17, 4, 18, 1, 1, 1, 3}},  // added tokens only verbatim: "[mask]" is "[", "mask", "]"
		{"[SEP][CLS]", []int32{2, 3, 2, 3}},                     // one after the other
		{strings.Repeat("a", 101) + " b", []int32{2, 1, 18, 3}}, // over max_input_chars_per_word
	} {
		if got := tok.Encode(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("Encode(%.40q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestTokenizerTruncates(t *testing.T) {
	tok := tinyTokenizer(6)
	got := tok.Encode("a b a b a b a")
	if want := []int32{2, 17, 18, 17, 18, 3}; !slices.Equal(got, want) {
		t.Errorf("Encode = %v, want %v: cut to max_length with [CLS] and [SEP]", got, want)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Ünïcödé Façade":     "unicode facade",
		"İstanbul":           "istanbul", // U+0130: NFD gives I + a dot above, which goes
		"ΣΑΣ":                "σασ",      // one rune for one: no final sigma
		"tab\there\x0bvt":    "tab herevt",
		"漢字x":                " 漢  字 x",
		"soft\u00adhyphen\r": "softhyphen ",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
	// Hangul is not spaced; NFD decomposes its syllables into jamo, which are letters.
	if got, want := normalize("한국어"), "\u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165"; got != want {
		t.Errorf("normalize(한국어) = %+q, want %+q", got, want)
	}
}
