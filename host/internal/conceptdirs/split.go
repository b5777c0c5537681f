package conceptdirs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// SplitFile, beside the concept folders, names the held-out concepts:
// {"heldout": ["sepia-photo", …]}. Without it (and without data.heldout) the
// held-out concepts are a seeded draw.
const SplitFile = "split.json"

// ReadSplit reads root's split.json and returns the held-out ids it names; ok is
// false when there is none. Errors name the file (and the line of a syntax error).
func ReadSplit(root string) (ids []string, ok bool, err error) {
	path := filepath.Join(root, SplitFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var split struct {
		Heldout []string `json:"heldout"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&split); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, false, fmt.Errorf("%s:%d: %v", path, 1+bytes.Count(data[:syntax.Offset], []byte("\n")), err)
		}
		return nil, false, fmt.Errorf("%s: %v (want {\"heldout\": [\"concept\", …]})", path, err)
	}
	if len(split.Heldout) == 0 {
		return nil, false, fmt.Errorf("%s: \"heldout\" names no concept", path)
	}
	for i, id := range split.Heldout {
		if slices.Contains(split.Heldout[:i], id) {
			return nil, false, fmt.Errorf("%s: \"heldout\" names %q twice", path, id)
		}
	}
	return split.Heldout, true, nil
}

// Names lists the concept folders under root, as Load scans them: the directories
// (or links to directories) whose names do not start with a dot, sorted. It is
// lenient like Files: a root it cannot read has none.
func Names(root string) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !hidden(e.Name()) && isDir(filepath.Join(root, e.Name()), e) {
			out = append(out, e.Name())
		}
	}
	return out
}
