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

// Discover lists the external plugins in dirs. A directory that does not exist is
// skipped; an id found twice, or one that shadows a bundled plugin, is an error.
func Discover(dirs []string) ([]External, error) {
	var out []External
	seen := map[string]string{}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("pluginhost: %w", err)
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
			if prev, dup := seen[id]; dup {
				return nil, fmt.Errorf("pluginhost: plugin %s found twice: %s and %s", id, prev, p)
			}
			if _, isBundled := bundled[id]; isBundled {
				return nil, fmt.Errorf("pluginhost: %s would shadow the bundled plugin %s; rename it", p, id)
			}
			seen[id] = p
			out = append(out, External{ID: id, Path: p})
		}
	}
	slices.SortFunc(out, func(a, b External) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// fileSHA256 is the hex SHA-256 of a file's contents.
func fileSHA256(path string) (string, error) {
	sum, _, err := digest.File(path)
	return sum, err
}
