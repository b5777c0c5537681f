package conceptdirs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"dnw/host/internal/imaging"
)

// Pair is one source image and its edited target, both (3, Size, Size).
type Pair struct {
	Name           string // the base name shared by A/ and B/ ("0001")
	Source, Target *imaging.Image
}

// Concept is one concept directory.
type Concept struct {
	ID      string   // the directory name
	Dir     string   // the directory, absolute
	Prompts []string // at least one
	Pairs   []Pair   // sorted by Name, at least one
}

// Options control Load.
type Options struct {
	// Size is the side of every loaded image: each is centre-cropped to a square,
	// then resized (area averaging when shrinking, bilinear when enlarging).
	Size int
	// MaxPixels refuses, before decoding, an image whose header claims more pixels
	// (data.max_pixels); 0 means DefaultMaxPixels. It also bounds memory: the
	// decoding goroutines hold at most this many full-size pixels at once.
	MaxPixels int64
	// SkipBad skips unreadable, unpaired, size-mismatched and oversized images,
	// and concepts left without pairs, with a warning instead of failing.
	SkipBad bool
	// Warn receives the warnings (ignored files, images enlarged to Size, and what
	// SkipBad skips); nil discards them.
	Warn func(msg string)
}

// Load reads the concept directories under root. It reports every problem it finds,
// joined into one error whose lines each name a path; on error it returns no
// concepts. Once ctx is done it stops between files and returns ctx's error.
func Load(ctx context.Context, root string, o Options) ([]Concept, error) {
	if o.Size <= 0 {
		return nil, fmt.Errorf("conceptdirs: Options.Size must be positive, got %d", o.Size)
	}
	if o.MaxPixels == 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.MaxPixels < 0 {
		return nil, fmt.Errorf("conceptdirs: Options.MaxPixels must not be negative, got %d", o.MaxPixels)
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	l := &loader{opt: o, root: root}
	cands, err := l.scanRoot()
	if err != nil {
		return nil, &DataError{fmt.Errorf("conceptdirs: %w", err)}
	}
	var jobs []*pairJob
	for _, c := range cands {
		jobs = append(jobs, c.jobs...)
	}
	d := &decoder{size: o.Size, maxPixels: o.MaxPixels, budget: newPixelBudget(o.MaxPixels)}
	if err := d.decodeAll(ctx, jobs); err != nil {
		return nil, fmt.Errorf("conceptdirs: loading %s: %w", root, err)
	}

	var out []Concept
	for _, c := range cands {
		if con, ok := l.assemble(c); ok {
			out = append(out, con)
		}
	}
	if len(l.errs) == 0 && len(out) == 0 {
		l.errs = append(l.errs, fmt.Errorf("%s: no concepts left after skipping bad images", root))
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// noteKind says how a problem found while loading is reported.
type noteKind int

const (
	warning    noteKind = iota // always a warning
	structural                 // always an error
	skippable                  // an error, or a warning with Options.SkipBad
)

type note struct {
	kind noteKind
	err  error
}

// candidate is a concept directory as scanned, before its images are decoded.
type candidate struct {
	id, dir    string
	prompts    []string
	notes      []note     // in the order found
	jobs       []*pairJob // sorted by name
	structural bool       // some note is structural
}

func (c *candidate) add(kind noteKind, format string, args ...any) {
	c.notes = append(c.notes, note{kind, fmt.Errorf(format, args...)})
	if kind == structural {
		c.structural = true
	}
}

type loader struct {
	opt  Options
	root string
	errs []error
}

func (l *loader) warn(msg string) {
	if l.opt.Warn != nil {
		l.opt.Warn("conceptdirs: " + msg)
	}
}

func (l *loader) err() error {
	switch len(l.errs) {
	case 0:
		return nil
	case 1:
		return &DataError{fmt.Errorf("conceptdirs: %w", l.errs[0])}
	}
	return &DataError{fmt.Errorf("conceptdirs: %d problems in %s:\n%w", len(l.errs), l.root, errors.Join(l.errs...))}
}

// scanRoot lists the concept directories and scans each; the error is for a root
// that cannot be used at all.
func (l *loader) scanRoot() ([]*candidate, error) {
	info, err := os.Stat(l.root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: root directory does not exist", l.root)
	case err != nil:
		return nil, err
	case !info.IsDir():
		return nil, fmt.Errorf("%s: root is not a directory", l.root)
	}
	entries, err := os.ReadDir(l.root)
	if err != nil {
		return nil, err
	}
	var cands []*candidate
	for _, e := range entries { // sorted by name
		p := filepath.Join(l.root, e.Name())
		switch {
		case hidden(e.Name()), e.Name() == SplitFile:
		case !isDir(p, e):
			l.warn(p + ": not a concept directory, ignored")
		default:
			cands = append(cands, scanConcept(e.Name(), p))
		}
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("%s holds no concept directories (want %s with prompt.txt, A/ and B/)",
			l.root, filepath.Join(l.root, "<concept>"))
	}
	return cands, nil
}

// scanConcept reads prompt.txt and pairs the file names of A/ and B/.
func scanConcept(id, dir string) *candidate {
	c := &candidate{id: id, dir: dir}
	promptPath := filepath.Join(dir, "prompt.txt")
	switch data, err := readRegular(promptPath); {
	case errors.Is(err, fs.ErrNotExist):
		c.add(structural, "%s: missing (want one prompt per line)", promptPath)
	case err != nil:
		c.add(structural, "%s: %w", promptPath, err)
	default:
		c.prompts = parsePrompts(string(data))
		if len(c.prompts) == 0 {
			c.add(structural, "%s: no prompts (blank lines and lines starting with # do not count)", promptPath)
		}
	}
	aDir, bDir := filepath.Join(dir, "A"), filepath.Join(dir, "B")
	a, aOK := listImages(c, aDir, "source")
	b, bOK := listImages(c, bDir, "target")
	if !aOK || !bOK {
		return c
	}
	for _, name := range sortedKeys(a) {
		switch {
		case a[name] == nil || b[name] == nil && hasKey(b, name):
			// Ambiguous on either side: already reported.
		case !hasKey(b, name):
			c.add(skippable, "%s has no partner in %s", a[name][0], bDir)
		default:
			c.jobs = append(c.jobs, &pairJob{name: name, aPath: a[name][0], bPath: b[name][0]})
		}
	}
	for _, name := range sortedKeys(b) {
		if !hasKey(a, name) && b[name] != nil {
			c.add(skippable, "%s has no partner in %s", b[name][0], aDir)
		}
	}
	return c
}

// listImages maps the base names of the images in dir to their paths; a name held
// by two images ("0001.png", "0001.jpg") maps to nil after it is reported. ok is
// false when dir is missing.
func listImages(c *candidate, dir, role string) (images map[string][]string, ok bool) {
	// os.ReadDir opens with O_DIRECTORY: a named pipe in place of dir fails at
	// once rather than block.
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.add(structural, "%s: missing (want the %s images here)", dir, role)
		return nil, false
	case err != nil:
		c.add(structural, "%s: %w", dir, err)
		return nil, false
	}
	images = map[string][]string{}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		ext := filepath.Ext(e.Name())
		switch {
		case hidden(e.Name()):
		case isDir(p, e):
			c.add(warning, "%s: a directory, ignored", p)
		case !imageExt(ext):
			c.add(warning, "%s: not a .png, .jpg or .jpeg image, ignored", p)
		default:
			name := strings.TrimSuffix(e.Name(), ext)
			images[name] = append(images[name], p)
		}
	}
	for _, name := range sortedKeys(images) {
		if paths := images[name]; len(paths) > 1 {
			c.add(skippable, "%s: images share the name %q (a pair needs one image of each name in A/ and B/)",
				strings.Join(paths, ", "), name)
			images[name] = nil
		}
	}
	return images, true
}

// assemble reports c's notes and decoding problems and returns the concept, or ok
// false when it is skipped or broken.
func (l *loader) assemble(c *candidate) (Concept, bool) {
	con := Concept{ID: c.id, Dir: c.dir, Prompts: c.prompts}
	report := func(n note) {
		switch {
		case n.kind == warning:
			l.warn(n.err.Error())
		case n.kind == skippable && l.opt.SkipBad:
			l.warn(n.err.Error() + "; skipped")
		default:
			l.errs = append(l.errs, n.err)
		}
	}
	for _, n := range c.notes {
		report(n)
	}
	var small []string
	for _, j := range c.jobs {
		if j.errs == nil {
			con.Pairs = append(con.Pairs, Pair{Name: j.name, Source: j.src, Target: j.tgt})
			if min(j.w, j.h) < l.opt.Size {
				rel, _ := filepath.Rel(c.dir, j.aPath)
				small = append(small, fmt.Sprintf("%s (%d×%d)", rel, j.w, j.h))
			}
		}
		for _, err := range j.errs {
			report(note{skippable, err})
		}
	}
	if len(small) > 0 && !c.structural {
		l.warn(enlarged(c.dir, small, l.opt.Size))
	}
	if c.structural {
		return Concept{}, false
	}
	if len(con.Pairs) == 0 {
		switch {
		case l.opt.SkipBad:
			l.warn(c.dir + ": no usable image pairs; concept skipped")
		case len(c.jobs) == 0:
			l.errs = append(l.errs, fmt.Errorf("%s: no image pairs (no file name is in both A/ and B/)", c.dir))
		}
		return Concept{}, false
	}
	return con, true
}

// enlarged is the warning for the pairs of dir whose sources (listed in small) are
// smaller than size: enlarging makes them blurry, which the models then learn.
func enlarged(dir string, small []string, size int) string {
	const shown = 5
	list := strings.Join(small[:min(len(small), shown)], ", ")
	if len(small) > shown {
		list += fmt.Sprintf(" and %d more", len(small)-shown)
	}
	pairs := "pairs are"
	if len(small) == 1 {
		pairs = "pair is"
	}
	return fmt.Sprintf("%s: %d %s smaller than %d×%d and enlarged, which blurs them: %s",
		dir, len(small), pairs, size, size, list)
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }

func imageExt(ext string) bool {
	switch strings.ToLower(ext) {
	case ".png", ".jpg", ".jpeg":
		return true
	}
	return false
}

// isDir follows a symbolic link to say whether e is a directory.
func isDir(path string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return e.IsDir()
	}
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

func hasKey(m map[string][]string, k string) bool { _, ok := m[k]; return ok }

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
