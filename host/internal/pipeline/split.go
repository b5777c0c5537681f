package pipeline

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"dnw/host/internal/conceptdirs"
	"dnw/host/internal/config"
	"dnw/sdk"
)

// namedHeldout returns the held-out concepts the experiment names for folder data,
// and where it names them: data.heldout, which wins, or data.dir/split.json. With
// neither (ids nil), data.heldout_concepts of the folders are a seeded draw.
func namedHeldout(d config.Data) (ids []string, from string, err error) {
	if d.Source != "folders" {
		return nil, "", nil
	}
	if len(d.Heldout) > 0 {
		return d.Heldout, "data.heldout", nil
	}
	ids, ok, err := conceptdirs.ReadSplit(d.Dir)
	if err != nil || !ok {
		return nil, "", err
	}
	return ids, filepath.Join(d.Dir, conceptdirs.SplitFile), nil
}

// unknownHeldout says which named ids are not among the concept folders, with the
// nearest folder name for each, or "" when all are; and whether any folder is left
// to train on.
func unknownHeldout(ids, folders []string) string {
	var bad []string
	for _, id := range ids {
		if slices.Contains(folders, id) {
			continue
		}
		msg := fmt.Sprintf("%q", id)
		if best := sdk.Suggest(id, folders); best != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", best)
		}
		bad = append(bad, msg)
	}
	switch {
	case len(bad) > 0:
		shown := folders
		if len(shown) > 12 {
			shown = append(slices.Clip(shown[:12]), "…")
		}
		return fmt.Sprintf("no concept folder %s; the folders are %s", strings.Join(bad, ", "), strings.Join(shown, ", "))
	case len(ids) >= len(folders):
		return fmt.Sprintf("holds out all %d concepts; at least one must train", len(folders))
	}
	return ""
}

// checkSplit checks, before any stage runs, that the held-out concepts an experiment
// names are concept folders of data.dir: an unknown one is an error at data.heldout's
// file and line, or at split.json.
func checkSplit(r *config.Resolved) error {
	ids, from, err := namedHeldout(r.Config.Data)
	if err != nil {
		return config.Errors{r.Errorf("data.dir", "%v", err)}
	}
	folders := conceptdirs.Names(r.Config.Data.Dir)
	if ids == nil || len(folders) == 0 { // no folders: the concepts stage says why
		return nil
	}
	if msg := unknownHeldout(ids, folders); msg != "" {
		if from == "data.heldout" {
			return config.Errors{r.Errorf("data.heldout", "%s", msg)}
		}
		return config.Errors{r.Errorf("data.dir", "%s: %s", from, msg)}
	}
	return nil
}
