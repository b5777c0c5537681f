package conceptdirs

import (
	"os"
	"path"
	"path/filepath"
	"slices"
)

// Files lists the files under root that Load and ReadSplit read, slash-separated and
// relative to root, sorted: each concept directory's prompt.txt and the images in its
// A/ and B/, and split.json. It reads directories only, never the files, so it is cheap; the stages that
// load concept directories hash what it lists into their fingerprints, so that a
// changed image or prompt is noticed. It is lenient: what it cannot list (a missing
// root, an unreadable directory) it leaves out, and Load reports it when it runs.
func Files(root string) []string {
	var out []string
	for _, name := range Names(root) {
		dir := filepath.Join(root, name)
		out = append(out, path.Join(name, "prompt.txt"))
		for _, side := range []string{"A", "B"} {
			images, err := os.ReadDir(filepath.Join(dir, side))
			if err != nil {
				continue
			}
			for _, im := range images {
				if !hidden(im.Name()) && imageExt(filepath.Ext(im.Name())) && !isDir(filepath.Join(dir, side, im.Name()), im) {
					out = append(out, path.Join(name, side, im.Name()))
				}
			}
		}
	}
	if info, err := os.Stat(filepath.Join(root, SplitFile)); err == nil && info.Mode().IsRegular() {
		out = append(out, SplitFile) // the concepts stage reads it
	}
	slices.Sort(out)
	return out
}
