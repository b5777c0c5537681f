package minilm

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// tokenizerJSON is the part of a Hugging Face tokenizer.json that Tokenizer follows;
// readTokenizer refuses a file that asks for anything else.
type tokenizerJSON struct {
	Truncation *struct {
		MaxLength int `json:"max_length"`
	} `json:"truncation"`
	AddedTokens []struct {
		ID         int32  `json:"id"`
		Content    string `json:"content"`
		Normalized bool   `json:"normalized"`
		SingleWord bool   `json:"single_word"`
		LStrip     bool   `json:"lstrip"`
		RStrip     bool   `json:"rstrip"`
	} `json:"added_tokens"`
	Normalizer struct {
		Type               string `json:"type"`
		CleanText          bool   `json:"clean_text"`
		HandleChineseChars bool   `json:"handle_chinese_chars"`
		StripAccents       *bool  `json:"strip_accents"` // null: as lowercase
		Lowercase          bool   `json:"lowercase"`
	} `json:"normalizer"`
	PreTokenizer struct {
		Type string `json:"type"`
	} `json:"pre_tokenizer"`
	PostProcessor struct {
		Type   string `json:"type"`
		Single []struct {
			SpecialToken *struct {
				ID string `json:"id"`
			} `json:"SpecialToken"`
			Sequence *struct {
				ID string `json:"id"`
			} `json:"Sequence"`
		} `json:"single"`
	} `json:"post_processor"`
	Model struct {
		Type                    string           `json:"type"`
		UnkToken                string           `json:"unk_token"`
		ContinuingSubwordPrefix string           `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    int              `json:"max_input_chars_per_word"`
		Vocab                   map[string]int32 `json:"vocab"`
	} `json:"model"`
}

// readTokenizer reads dir/vocab.txt (one token a line, its id the line number) and
// the settings of dir/tokenizer.json, and checks that the two agree.
func readTokenizer(dir string) (*Tokenizer, error) {
	jsonPath, vocabPath := filepath.Join(dir, "tokenizer.json"), filepath.Join(dir, "vocab.txt")
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		return nil, err
	}
	var tj tokenizerJSON
	if err := json.Unmarshal(data, &tj); err != nil {
		return nil, fmt.Errorf("%s: %w", jsonPath, err)
	}
	if err := tj.supported(); err != nil {
		return nil, fmt.Errorf("%s: %w; text.minilm implements BERT's uncased WordPiece tokenizer only", jsonPath, err)
	}
	vocab, err := readVocab(vocabPath)
	if err != nil {
		return nil, err
	}
	if len(vocab) != len(tj.Model.Vocab) {
		return nil, fmt.Errorf("%s has %d tokens, %s %d", vocabPath, len(vocab), jsonPath, len(tj.Model.Vocab))
	}
	for tok, id := range tj.Model.Vocab {
		if got, ok := vocab[tok]; !ok || got != id {
			return nil, fmt.Errorf("%s and %s disagree about token %q", vocabPath, jsonPath, tok)
		}
	}
	t := &Tokenizer{
		vocab: vocab, maxLen: tj.Truncation.MaxLength,
		maxWordChars: tj.Model.MaxInputCharsPerWord, prefix: tj.Model.ContinuingSubwordPrefix,
	}
	for _, a := range tj.AddedTokens {
		if got, ok := vocab[a.Content]; !ok || got != a.ID {
			return nil, fmt.Errorf("%s: added token %q (id %d) is not in %s under that id", jsonPath, a.Content, a.ID, vocabPath)
		}
		t.added = append(t.added, addedToken{content: a.Content, id: a.ID})
	}
	for _, s := range []struct {
		name string
		id   *int32
	}{{tj.Model.UnkToken, &t.unk}, {"[CLS]", &t.cls}, {"[SEP]", &t.sep}} {
		id, ok := vocab[s.name]
		if !ok {
			return nil, fmt.Errorf("%s has no token %s", vocabPath, s.name)
		}
		*s.id = id
	}
	return t, nil
}

// supported says what in tj Tokenizer does not implement, if anything.
func (tj *tokenizerJSON) supported() error {
	n := tj.Normalizer
	switch {
	case n.Type != "BertNormalizer" || !n.CleanText || !n.HandleChineseChars || !n.Lowercase ||
		n.StripAccents != nil && !*n.StripAccents:
		return fmt.Errorf("normalizer %+v is not BertNormalizer with every option on", n)
	case tj.PreTokenizer.Type != "BertPreTokenizer":
		return fmt.Errorf("pre_tokenizer %q is not BertPreTokenizer", tj.PreTokenizer.Type)
	case tj.Model.Type != "WordPiece" || tj.Model.ContinuingSubwordPrefix == "" || tj.Model.MaxInputCharsPerWord < 1:
		return fmt.Errorf("model %q (prefix %q, max_input_chars_per_word %d) is not WordPiece", tj.Model.Type,
			tj.Model.ContinuingSubwordPrefix, tj.Model.MaxInputCharsPerWord)
	case tj.Truncation == nil || tj.Truncation.MaxLength < 2:
		return fmt.Errorf("truncation.max_length is missing or below 2")
	}
	p := tj.PostProcessor
	if p.Type != "TemplateProcessing" || len(p.Single) != 3 || p.Single[0].SpecialToken == nil || p.Single[0].SpecialToken.ID != "[CLS]" ||
		p.Single[1].Sequence == nil || p.Single[2].SpecialToken == nil || p.Single[2].SpecialToken.ID != "[SEP]" {
		return fmt.Errorf("post_processor is not the template [CLS] $A [SEP]")
	}
	for _, a := range tj.AddedTokens {
		if a.Normalized || a.SingleWord || a.LStrip || a.RStrip || a.Content == "" {
			return fmt.Errorf("added token %q is not matched verbatim (normalized, single_word, lstrip or rstrip)", a.Content)
		}
	}
	return nil
}

// readVocab reads a vocab.txt: token i on line i (from 0), as BERT's vocabulary file.
func readVocab(path string) (map[string]int32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vocab := map[string]int32{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		tok := sc.Text()
		if _, dup := vocab[tok]; dup {
			return nil, fmt.Errorf("%s:%d: token %q appears twice", path, len(vocab)+1, tok)
		}
		vocab[tok] = int32(len(vocab))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return vocab, nil
}
