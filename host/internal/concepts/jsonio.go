package concepts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// WriteJSON writes the catalogue as indented JSON (catalogue.json). Parameters are
// written in key order, so the same catalogue always gives the same bytes.
func (c Catalogue) WriteJSON(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // prompts stay readable: "black & white", not "black \u0026 white"
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("concepts: encoding catalogue: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ReadJSON reads a catalogue written by WriteJSON and validates it: unknown keys,
// trailing data, no concepts, an empty or repeated id, an unknown split, an empty
// category, no prompts, an empty prompt or a step without an edit name are errors.
// A concept may have no steps (a concept of real image folders has none).
func ReadJSON(r io.Reader) (Catalogue, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c Catalogue
	if err := dec.Decode(&c); err != nil {
		return Catalogue{}, fmt.Errorf("concepts: reading catalogue: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Catalogue{}, errors.New("concepts: reading catalogue: trailing data after the catalogue")
	}
	if err := c.validate(); err != nil {
		return Catalogue{}, err
	}
	return c, nil
}

// ReadFile reads a catalogue.json with ReadJSON; errors name the file.
func ReadFile(path string) (Catalogue, error) {
	f, err := os.Open(path)
	if err != nil {
		return Catalogue{}, err
	}
	defer f.Close()
	c, err := ReadJSON(f)
	if err != nil {
		return Catalogue{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// validate checks the catalogue's structure; it does not know the edits, so it does
// not check edit names or parameter ranges (imaging.Apply does).
func (c Catalogue) validate() error {
	if len(c.Concepts) == 0 {
		return errors.New("concepts: catalogue has no concepts")
	}
	seen := map[string]bool{}
	for i, k := range c.Concepts {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("concepts: concept %d (id %q): %s", i, k.ID, fmt.Sprintf(format, args...))
		}
		switch {
		case k.ID == "":
			return fail("empty id")
		case seen[k.ID]:
			return fail("id repeated")
		case k.Split != SplitTrain && k.Split != SplitHeldout:
			return fail("split %q, want %q or %q", k.Split, SplitTrain, SplitHeldout)
		case k.Category == "":
			return fail("empty category")
		case len(k.Prompts) == 0:
			return fail("no prompts")
		}
		seen[k.ID] = true
		for j, p := range k.Prompts {
			if len(tokens(p)) == 0 {
				return fail("prompt %d is empty", j)
			}
		}
		for j, s := range k.Steps {
			if s.Edit == "" {
				return fail("step %d has no edit", j)
			}
		}
	}
	return nil
}
