package pluginhost

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"dnw/host/internal/digest"
)

// ExternalPrefix starts the file name of every external plugin: dnw-ID.
const ExternalPrefix = "dnw-"

// SearchPath is where external plugins are looked for: the directories of
// $DNW_PLUGIN_PATH (separated like $PATH), then ./plugins/bin.
func SearchPath() []string {
	var dirs []string
	for _, d := range filepath.SplitList(os.Getenv("DNW_PLUGIN_PATH")) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	return append(dirs, filepath.Join("plugins", "bin"))
}

// External is an external plugin binary found on the search path.
type External struct {
	ID   string // from the file name; checked against Describe when started
	Path string
}

// Refused is a binary on the search path that dnw will not run, and why. One bad
// binary is reported as Refused rather than as an error, so that it does not hide
// the good plugins beside it.
type Refused struct {
	ID     string // from the file name
	Path   string
	Reason string
}

func (r Refused) String() string { return r.Path + ": " + r.Reason }

// Discover lists the external plugins in dirs. A directory that does not exist is
// skipped. An id found twice (both binaries), or one that shadows a bundled plugin,
// is refused; the error is only for a directory that cannot be read.
func Discover(dirs []string) ([]External, []Refused, error) {
	var found []External
	var refused []Refused
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("pluginhost: %w", err)
		}
		for _, e := range entries {
			id, ok := strings.CutPrefix(e.Name(), ExternalPrefix)
			if !ok || e.IsDir() {
				continue
			}
			info, err := e.Info()
			if err != nil || info.Mode()&0o111 == 0 {
				continue // not an executable
			}
			p := filepath.Join(dir, e.Name())
			if _, isBundled := bundled[id]; isBundled {
				refused = append(refused, Refused{ID: id, Path: p, Reason: "would shadow the bundled plugin " + id + "; rename it"})
				continue
			}
			found = append(found, External{ID: id, Path: p})
		}
	}
	// Which of two binaries with one id is meant is ambiguous: refuse both.
	var out []External
	for _, e := range found {
		var others []string
		for _, o := range found {
			if o.ID == e.ID && o.Path != e.Path {
				others = append(others, o.Path)
			}
		}
		if len(others) > 0 {
			refused = append(refused, Refused{ID: e.ID, Path: e.Path, Reason: "plugin " + e.ID + " found twice, also at " + strings.Join(others, ", ")})
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b External) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(refused, func(a, b Refused) int { return strings.Compare(a.Path, b.Path) })
	return out, refused, nil
}

// fileSHA256 is the hex SHA-256 of a file's contents.
func fileSHA256(path string) (string, error) {
	sum, _, err := digest.File(path)
	return sum, err
}
