package conceptdirs_test

import (
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/conceptdirs"
)

// The fixtures are built on the fly: a few tiny PNG and JPEG files per concept.

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

// writeImage writes m as PNG, or as JPEG (quality 100) when path ends in .jpg or
// .jpeg, any case.
func writeImage(t *testing.T, path string, m image.Image) {
	t.Helper()
	var buf strings.Builder
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jpg", ".jpeg":
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: 100})
	default:
		err = png.Encode(&buf, m)
	}
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, []byte(buf.String()))
}

func solid(w, h int, c color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// level is imaging.FromGo's value of the 8-bit level v.
func level(v uint8) float32 { return float32(uint32(v)*257)/32767.5 - 1 }

var (
	orange = color.RGBA{255, 128, 0, 255}
	teal   = color.RGBA{0, 128, 128, 255}
	grey   = color.RGBA{100, 100, 100, 255}
)

// goodFixture holds two concepts: sepia-photo (two pairs of 8×6 images, the second
// target a JPEG, hidden files around) and pixel-art (one 3×5 pair, upper-case
// extensions).
func goodFixture(t *testing.T) string {
	root := t.TempDir()
	c := filepath.Join(root, "sepia-photo")
	write(t, filepath.Join(c, "prompt.txt"),
		[]byte("# paraphrases of the edit\nsepia photograph\n\n   old brown-toned photo  \r\n#not this\n"))
	writeImage(t, filepath.Join(c, "A", "0002.png"), solid(8, 6, grey))
	writeImage(t, filepath.Join(c, "A", "0001.png"), solid(8, 6, teal))
	writeImage(t, filepath.Join(c, "B", "0001.png"), solid(8, 6, orange))
	writeImage(t, filepath.Join(c, "B", "0002.jpg"), solid(8, 6, grey))
	write(t, filepath.Join(c, "A", ".DS_Store"), []byte("junk"))
	write(t, filepath.Join(c, ".DS_Store"), []byte("junk"))
	mkdir(t, filepath.Join(root, ".git"))

	c = filepath.Join(root, "pixel-art")
	write(t, filepath.Join(c, "prompt.txt"), []byte("pixel art"))
	writeImage(t, filepath.Join(c, "A", "x.JPEG"), solid(3, 5, grey))
	writeImage(t, filepath.Join(c, "B", "x.PNG"), solid(3, 5, teal))
	return root
}

func TestLoadGood(t *testing.T) {
	root := goodFixture(t)
	var warnings []string
	cs, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 3, Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %q, want none", warnings)
	}
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"pixel-art", "sepia-photo"}) {
		t.Fatalf("concepts %q, want [pixel-art sepia-photo] (sorted)", ids)
	}
	px, sp := cs[0], cs[1]
	if sp.Dir != filepath.Join(root, "sepia-photo") {
		t.Errorf("Dir = %s", sp.Dir)
	}
	if want := []string{"sepia photograph", "old brown-toned photo"}; !slices.Equal(sp.Prompts, want) {
		t.Errorf("prompts %q, want %q", sp.Prompts, want)
	}
	if !slices.Equal(px.Prompts, []string{"pixel art"}) {
		t.Errorf("prompts %q, want [pixel art]", px.Prompts)
	}
	if len(sp.Pairs) != 2 || sp.Pairs[0].Name != "0001" || sp.Pairs[1].Name != "0002" {
		t.Fatalf("sepia-photo pairs %+v, want 0001 and 0002", sp.Pairs)
	}
	if len(px.Pairs) != 1 || px.Pairs[0].Name != "x" {
		t.Fatalf("pixel-art pairs %+v, want x", px.Pairs)
	}
	for _, c := range cs {
		for _, p := range c.Pairs {
			if err := p.Source.CheckSize(3, 3); err != nil {
				t.Errorf("%s/%s source: %v", c.ID, p.Name, err)
			}
			if err := p.Target.CheckSize(3, 3); err != nil {
				t.Errorf("%s/%s target: %v", c.ID, p.Name, err)
			}
		}
	}
	// Solid colours survive crop and resize (PNG exactly, JPEG nearly).
	checkSolid(t, "sepia-photo/A/0001.png", sp.Pairs[0].Source.Pix, teal, 1e-5)
	checkSolid(t, "sepia-photo/B/0001.png", sp.Pairs[0].Target.Pix, orange, 1e-5)
	checkSolid(t, "sepia-photo/B/0002.jpg", sp.Pairs[1].Target.Pix, grey, 0.02)
	checkSolid(t, "pixel-art/A/x.JPEG", px.Pairs[0].Source.Pix, grey, 0.02)
	checkSolid(t, "pixel-art/B/x.PNG", px.Pairs[0].Target.Pix, teal, 1e-5)
}

// checkSolid checks that every pixel of the planes pix (3, n, n) is c.
func checkSolid(t *testing.T, what string, pix []float32, c color.RGBA, tol float64) {
	t.Helper()
	n := len(pix) / 3
	for ch, v8 := range []uint8{c.R, c.G, c.B} {
		want := level(v8)
		for i, v := range pix[ch*n : (ch+1)*n] {
			if math.Abs(float64(v-want)) > tol {
				t.Errorf("%s: channel %d pixel %d = %v, want %v", what, ch, i, v, want)
				return
			}
		}
	}
}

func TestLoadDeterministic(t *testing.T) {
	root := goodFixture(t)
	a, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		for k := range a[i].Pairs {
			pa, pb := a[i].Pairs[k], b[i].Pairs[k]
			if pa.Name != pb.Name || !slices.Equal(pa.Source.Pix, pb.Source.Pix) || !slices.Equal(pa.Target.Pix, pb.Target.Pix) {
				t.Fatalf("%s/%s differs between two loads", a[i].ID, pa.Name)
			}
		}
	}
}

// brokenFixture holds one good concept beside every problem Load reports. It
// returns the root and the concept directories whose problems are structural.
func brokenFixture(t *testing.T) (root string, structural []string) {
	root = t.TempDir()
	pair := func(c, name string) {
		writeImage(t, filepath.Join(root, c, "A", name+".png"), solid(6, 6, teal))
		writeImage(t, filepath.Join(root, c, "B", name+".png"), solid(6, 6, orange))
	}
	prompt := func(c string) { write(t, filepath.Join(root, c, "prompt.txt"), []byte("a prompt\n")) }

	prompt("good")
	pair("good", "0001")
	pngData, err := os.ReadFile(filepath.Join(root, "good", "A", "0001.png"))
	if err != nil {
		t.Fatal(err)
	}

	pair("noprompt", "0001") // no prompt.txt
	write(t, filepath.Join(root, "emptyprompt", "prompt.txt"), []byte("# only a comment\n\n   \n"))
	pair("emptyprompt", "0001")
	prompt("noa") // no A/
	writeImage(t, filepath.Join(root, "noa", "B", "0001.png"), solid(6, 6, orange))
	prompt("nob") // no B/
	writeImage(t, filepath.Join(root, "nob", "A", "0001.png"), solid(6, 6, teal))

	prompt("mixed")
	pair("mixed", "0001")
	writeImage(t, filepath.Join(root, "mixed", "A", "0002.png"), solid(6, 6, teal))
	write(t, filepath.Join(root, "mixed", "B", "0002.png"), []byte("not an image at all"))
	writeImage(t, filepath.Join(root, "mixed", "A", "0003.png"), solid(6, 6, teal)) // no partner
	writeImage(t, filepath.Join(root, "mixed", "A", "0004.png"), solid(64, 48, teal))
	writeImage(t, filepath.Join(root, "mixed", "B", "0004.png"), solid(64, 64, orange))
	writeImage(t, filepath.Join(root, "mixed", "B", "0005.jpg"), solid(6, 6, orange)) // no partner
	writeImage(t, filepath.Join(root, "mixed", "A", "0006.png"), solid(6, 6, teal))   // two 0006 in A
	writeImage(t, filepath.Join(root, "mixed", "A", "0006.jpg"), solid(6, 6, teal))
	writeImage(t, filepath.Join(root, "mixed", "B", "0006.png"), solid(6, 6, orange))
	writeImage(t, filepath.Join(root, "mixed", "A", "0007.png"), solid(6, 6, teal))
	write(t, filepath.Join(root, "mixed", "B", "0007.png"), pngData[:len(pngData)/2]) // truncated PNG
	write(t, filepath.Join(root, "mixed", "A", "notes.txt"), []byte("how I made these"))
	write(t, filepath.Join(root, "mixed", "A", ".DS_Store"), []byte("junk"))

	prompt("nopairs") // A/ and B/ without images
	mkdir(t, filepath.Join(root, "nopairs", "A"))
	mkdir(t, filepath.Join(root, "nopairs", "B"))

	prompt("allbad") // its only pair is unreadable: a PNG whose IHDR checksum fails
	corrupt := slices.Clone(pngData)
	corrupt[8+8+1] ^= 0xff // the second byte of the width, inside IHDR's data
	write(t, filepath.Join(root, "allbad", "A", "0001.png"), corrupt)
	writeImage(t, filepath.Join(root, "allbad", "B", "0001.png"), solid(6, 6, orange))

	write(t, filepath.Join(root, "README.md"), []byte("my data"))
	return root, []string{"noprompt", "emptyprompt", "noa", "nob"}
}

// problem is a fragment of one problem's message: the offending path and what is said.
type problem struct{ path, says string }

func brokenProblems(root string) (structural, skippable []problem) {
	p := func(parts ...string) string { return filepath.Join(append([]string{root}, parts...)...) }
	structural = []problem{
		{p("noprompt", "prompt.txt"), "missing"},
		{p("emptyprompt", "prompt.txt"), "no prompts"},
		{p("noa", "A"), "missing"},
		{p("nob", "B"), "missing"},
	}
	skippable = []problem{
		{p("mixed", "B", "0002.png"), "not a PNG or JPEG file"},
		{p("mixed", "A", "0003.png"), "has no partner in " + p("mixed", "B")},
		{p("mixed", "A", "0004.png"), "is 64×48 but its partner " + p("mixed", "B", "0004.png") + " is 64×64"},
		{p("mixed", "B", "0005.jpg"), "has no partner in " + p("mixed", "A")},
		{p("mixed", "A", "0006.jpg") + ", " + p("mixed", "A", "0006.png"), `share the name "0006"`},
		{p("mixed", "B", "0007.png"), "truncated"},
		{p("allbad", "A", "0001.png"), "png: invalid format"},
	}
	return structural, skippable
}

// lineWith returns the line of text that holds both parts of p, or "".
func lineWith(text string, p problem) string {
	for line := range strings.Lines(text) {
		if strings.Contains(line, p.path) && strings.Contains(line, p.says) {
			return line
		}
	}
	return ""
}

func TestLoadBrokenReportsEveryProblem(t *testing.T) {
	root, _ := brokenFixture(t)
	var warnings []string
	cs, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 4, Warn: func(m string) { warnings = append(warnings, m) }})
	if err == nil {
		t.Fatalf("no error; loaded %d concepts", len(cs))
	}
	if cs != nil {
		t.Errorf("concepts %v returned with an error", cs)
	}
	msg := err.Error()
	structural, skippable := brokenProblems(root)
	all := append(structural, skippable...)
	all = append(all,
		problem{filepath.Join(root, "nopairs"), "no image pairs"},
	)
	for _, p := range all {
		if lineWith(msg, p) == "" {
			t.Errorf("error does not report %s (%q):\n%s", p.path, p.says, msg)
		}
	}
	if want := "12 problems in " + root; !strings.Contains(msg, want) {
		t.Errorf("error does not say %q:\n%s", want, msg)
	}
	if !strings.HasPrefix(msg, "conceptdirs: ") {
		t.Errorf("error is not package-prefixed: %s", msg)
	}
	for _, bad := range []string{"good", ".DS_Store", "notes.txt", "README"} {
		if strings.Contains(msg, bad) {
			t.Errorf("error mentions %s:\n%s", bad, msg)
		}
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 12 {
		t.Errorf("error does not wrap the 12 problems joined")
	}
	wantWarn := []problem{
		{filepath.Join(root, "README.md"), "not a concept directory"},
		{filepath.Join(root, "mixed", "A", "notes.txt"), "not a .png, .jpg or .jpeg image"},
	}
	text := strings.Join(warnings, "\n")
	for _, p := range wantWarn {
		if lineWith(text, p) == "" {
			t.Errorf("no warning about %s:\n%s", p.path, text)
		}
	}
	if len(warnings) != len(wantWarn) {
		t.Errorf("warnings %q, want %d", warnings, len(wantWarn))
	}
}

func TestLoadBrokenSkipBad(t *testing.T) {
	root, structuralDirs := brokenFixture(t)
	structural, skippable := brokenProblems(root)

	// Structural problems remain errors; skippable ones do not show.
	_, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 4, SkipBad: true})
	if err == nil {
		t.Fatal("no error with structural problems and SkipBad")
	}
	for _, p := range structural {
		if lineWith(err.Error(), p) == "" {
			t.Errorf("error does not report %s:\n%v", p.path, err)
		}
	}
	for _, p := range skippable {
		if lineWith(err.Error(), p) != "" {
			t.Errorf("error reports skippable %s:\n%v", p.path, err)
		}
	}

	// Without the structural problems, what is good loads.
	for _, d := range structuralDirs {
		if err := os.RemoveAll(filepath.Join(root, d)); err != nil {
			t.Fatal(err)
		}
	}
	var warnings []string
	cs, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 4, SkipBad: true, Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		for _, p := range c.Pairs {
			got = append(got, c.ID+"/"+p.Name)
		}
	}
	if want := []string{"good/0001", "mixed/0001"}; !slices.Equal(got, want) {
		t.Errorf("loaded %q, want %q", got, want)
	}
	text := strings.Join(warnings, "\n")
	for _, p := range skippable {
		if line := lineWith(text, p); !strings.Contains(line, "skipped") {
			t.Errorf("no warning that %s is skipped:\n%s", p.path, text)
		}
	}
	for _, c := range []string{"nopairs", "allbad"} {
		if lineWith(text, problem{filepath.Join(root, c) + ":", "concept skipped"}) == "" {
			t.Errorf("no warning that concept %s is skipped:\n%s", c, text)
		}
	}
	if lineWith(text, problem{filepath.Join(root, "mixed", "A", "notes.txt"), "ignored"}) == "" {
		t.Errorf("no warning about notes.txt:\n%s", text)
	}

	// Nil Warn discards.
	if _, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 4, SkipBad: true}); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRootProblems(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	write(t, file, []byte("x"))
	empty := filepath.Join(dir, "empty")
	mkdir(t, filepath.Join(empty, ".hidden"))
	write(t, filepath.Join(empty, "notes.txt"), []byte("x"))
	allBad := filepath.Join(dir, "allbad")
	write(t, filepath.Join(allBad, "c", "prompt.txt"), []byte("p"))
	writeImage(t, filepath.Join(allBad, "c", "A", "1.png"), solid(2, 2, teal))
	mkdir(t, filepath.Join(allBad, "c", "B"))

	for _, tc := range []struct {
		name, root string
		o          conceptdirs.Options
		want       string
	}{
		{"missing root", filepath.Join(dir, "nope"), conceptdirs.Options{Size: 4, SkipBad: true},
			filepath.Join(dir, "nope") + ": root directory does not exist"},
		{"root is a file", file, conceptdirs.Options{Size: 4}, file + ": root is not a directory"},
		{"no concepts", empty, conceptdirs.Options{Size: 4}, empty + " holds no concept directories"},
		{"no concepts left", allBad, conceptdirs.Options{Size: 4, SkipBad: true}, allBad + ": no concepts left"},
		{"bad size", empty, conceptdirs.Options{}, "Options.Size must be positive, got 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := conceptdirs.Load(t.Context(), tc.root, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "conceptdirs: ") {
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

func TestLoadRelativeRoot(t *testing.T) {
	root := goodFixture(t)
	t.Chdir(filepath.Dir(root))
	cs, err := conceptdirs.Load(t.Context(), filepath.Base(root), conceptdirs.Options{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(cs[0].Dir) {
		t.Errorf("Dir %s is not absolute", cs[0].Dir)
	}
}

func TestLoadCropsAndResizes(t *testing.T) {
	// A 4×2 source whose columns are levels 0, 80, 160, 240: the centre square is
	// columns 1 and 2, so Size 1 averages 80 and 160 and Size 2 keeps them.
	m := image.NewRGBA(image.Rect(0, 0, 4, 2))
	for y := range 2 {
		for x := range 4 {
			v := uint8(80 * x)
			m.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	root := t.TempDir()
	write(t, filepath.Join(root, "c", "prompt.txt"), []byte("p"))
	writeImage(t, filepath.Join(root, "c", "A", "1.png"), m)
	writeImage(t, filepath.Join(root, "c", "B", "1.png"), m)
	for _, tc := range []struct {
		size int
		want []float32 // channel 0, (size, size)
	}{
		{1, []float32{(level(80) + level(160)) / 2}},
		{2, []float32{level(80), level(160), level(80), level(160)}},
	} {
		cs, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: tc.size})
		if err != nil {
			t.Fatal(err)
		}
		got := cs[0].Pairs[0].Source.Pix[:tc.size*tc.size]
		for i := range got {
			if math.Abs(float64(got[i]-tc.want[i])) > 1e-5 {
				t.Errorf("size %d: channel 0 = %v, want %v", tc.size, got, tc.want)
				break
			}
		}
	}
}
