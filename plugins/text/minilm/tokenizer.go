package minilm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer is BERT's uncased WordPiece tokenizer (Devlin et al., "BERT", NAACL 2019,
// §3; Wu et al., "Google's Neural Machine Translation System", 2016, §4.1) as the
// Hugging Face tokenizers library runs it from the model's tokenizer.json, which is
// the reference it is tested against (reference_test.go):
//
//  1. added tokens ("[CLS]", "[MASK]", …) are cut out of the raw text where they occur
//     verbatim (leftmost, longest first) and become their own ids;
//  2. the rest is normalized (BertNormalizer): NUL, U+FFFD and control or format
//     characters removed, whitespace made ' ', spaces put around CJK ideographs,
//     accents stripped (NFD, then nonspacing marks removed), lowercased;
//  3. split into words at whitespace, and every punctuation character made a word of
//     its own (BertPreTokenizer);
//  4. each word split greedily into the longest vocabulary pieces from its start,
//     continuations prefixed "##"; a word with a piece not in the vocabulary, or
//     longer than maxWordChars characters, becomes "[UNK]";
//  5. cut to maxLen − 2 tokens and framed as [CLS] … [SEP].
type Tokenizer struct {
	vocab        map[string]int32
	added        []addedToken // matched in the raw text, before normalization
	unk, cls     int32
	sep          int32
	maxLen       int    // tokens with [CLS] and [SEP]: tokenizer.json's truncation.max_length
	maxWordChars int    // WordPiece's max_input_chars_per_word
	prefix       string // WordPiece's continuing_subword_prefix, "##"
}

type addedToken struct {
	content string
	id      int32
}

// Encode returns the token ids of text, [CLS] first and [SEP] last, at most maxLen.
func (t *Tokenizer) Encode(text string) []int32 {
	ids := []int32{t.cls}
	for text != "" {
		i, tok := t.nextAdded(text)
		t.appendWords(&ids, text[:i])
		if tok == nil {
			break
		}
		ids = append(ids, tok.id)
		text = text[i+len(tok.content):]
	}
	if len(ids) > t.maxLen-1 { // the tail goes, as tokenizers' truncation cuts it
		ids = ids[:t.maxLen-1]
	}
	return append(ids, t.sep)
}

// nextAdded finds the leftmost added token in text, the longest one where several
// start at the same byte, and returns its offset; (len(text), nil) if there is none.
func (t *Tokenizer) nextAdded(text string) (int, *addedToken) {
	best, at := (*addedToken)(nil), len(text)
	for k := range t.added {
		a := &t.added[k]
		i := strings.Index(text[:min(len(text), at+len(a.content))], a.content)
		if i < 0 {
			continue
		}
		if i < at || i == at && len(a.content) > len(best.content) {
			best, at = a, i
		}
	}
	return at, best
}

// appendWords normalizes text, splits it into words and appends their pieces.
func (t *Tokenizer) appendWords(ids *[]int32, text string) {
	for _, w := range preTokenize(normalize(text)) {
		*ids = t.appendPieces(*ids, w)
	}
}

// normalize is BertNormalizer with clean_text, handle_chinese_chars, strip_accents
// and lowercase all on (tokenizers' normalizers/bert.rs), in its order.
func normalize(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == 0 || r == utf8.RuneError || isControl(r):
		case isWhitespace(r):
			b.WriteByte(' ')
		case isChinese(r):
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	s := norm.NFD.String(b.String())
	b.Reset()
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		// One rune for one: the only character whose full lowercase (Rust's
		// char::to_lowercase) is two, U+0130 'İ', has been decomposed by NFD above.
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isControl is tokenizers' is_control: Unicode's "other" categories Cc, Cf, Co and Cs
// (unassigned code points are kept, as tokenizers keeps them), except tab, newline
// and carriage return, which count as whitespace.
func isControl(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
}

// isWhitespace is Unicode's White_Space property (Rust's char::is_whitespace).
func isWhitespace(r rune) bool { return unicode.Is(unicode.White_Space, r) }

// isChinese reports whether r is in a CJK Unified Ideographs block, the ranges of
// BERT's _is_chinese_char and tokenizers' is_chinese_char (Hangul, Hiragana and
// Katakana are not: they are written with spaces).
func isChinese(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF,
		r >= 0x20000 && r <= 0x2A6DF, r >= 0x2A700 && r <= 0x2B73F,
		r >= 0x2B740 && r <= 0x2B81F, r >= 0x2B920 && r <= 0x2CEAF,
		r >= 0xF900 && r <= 0xFAFF, r >= 0x2F800 && r <= 0x2FA1F:
		return true
	}
	return false
}

// isPunct is BertPreTokenizer's is_bert_punc: ASCII punctuation (which includes the
// symbols $ + < = > ^ ` | ~) or a Unicode punctuation category P*.
func isPunct(r rune) bool {
	if r < utf8.RuneSelf {
		return r > ' ' && r < 0x7F && !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	}
	return unicode.IsPunct(r)
}

// preTokenize splits normalized text into words at whitespace, each punctuation
// character a word of its own.
func preTokenize(s string) []string {
	var words []string
	start := -1 // byte offset of the word being read, or -1
	for i, r := range s {
		switch {
		case isWhitespace(r), isPunct(r):
			if start >= 0 {
				words = append(words, s[start:i])
				start = -1
			}
			if !isWhitespace(r) {
				words = append(words, s[i:i+utf8.RuneLen(r)])
			}
		case start < 0:
			start = i
		}
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

// appendPieces appends word's WordPiece ids: greedy longest match from the left,
// continuations looked up with the "##" prefix; [UNK] for the whole word if a
// stretch of it matches nothing or it has more than maxWordChars characters.
func (t *Tokenizer) appendPieces(ids []int32, word string) []int32 {
	if utf8.RuneCountInString(word) > t.maxWordChars {
		return append(ids, t.unk)
	}
	n := len(ids)
	for start := 0; start < len(word); {
		end, id := len(word), int32(-1)
		for start < end {
			piece := word[start:end]
			if start > 0 {
				piece = t.prefix + piece
			}
			if v, ok := t.vocab[piece]; ok {
				id = v
				break
			}
			_, size := utf8.DecodeLastRuneInString(word[start:end])
			end -= size
		}
		if id < 0 {
			return append(ids[:n], t.unk)
		}
		ids = append(ids, id)
		start = end
	}
	return ids
}
