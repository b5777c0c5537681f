package conceptdirs_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/conceptdirs"
)

// hostileFixture is one good pair beside a pair of 69-byte PNGs that claim
// 65535×65535 at 16 bits.
func hostileFixture(t *testing.T) (root string, hostile [2]string) {
	root = t.TempDir()
	c := filepath.Join(root, "c")
	write(t, filepath.Join(c, "prompt.txt"), []byte("p"))
	writeImage(t, filepath.Join(c, "A", "0001.png"), solid(4, 4, teal))
	writeImage(t, filepath.Join(c, "B", "0001.png"), solid(4, 4, orange))
	hostile = [2]string{filepath.Join(c, "A", "0002.png"), filepath.Join(c, "B", "0002.png")}
	for _, p := range hostile {
		write(t, p, conceptdirs.HostilePNG())
	}
	return root, hostile
}

func TestLoadRefusesHugeHeaderBeforeDecoding(t *testing.T) {
	// Decoding would allocate 34 GB: refused from the header alone, an error
	// naming the file and the key to raise.
	root, hostile := hostileFixture(t)
	_, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 4})
	const says = ": 65535×65535 is 4294836225 pixels, more than the limit of 64000000 (data.max_pixels)"
	for _, p := range hostile {
		if err == nil || !strings.Contains(err.Error(), p+says) {
			t.Fatalf("error %v, want one with %q", err, p+says)
		}
	}

	// data.skip_bad skips the pair with a warning that names the file.
	var warnings []string
	cs, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 4, SkipBad: true,
		Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || len(cs[0].Pairs) != 1 || cs[0].Pairs[0].Name != "0001" {
		t.Errorf("loaded %+v, want c with pair 0001 alone", cs)
	}
	if len(warnings) != 2 {
		t.Errorf("warnings %q, want one for each file", warnings)
	}
	for i, p := range hostile {
		if i < len(warnings) && !strings.Contains(warnings[i], p+says+"; skipped") {
			t.Errorf("warning %q, want one with %q", warnings[i], p+says+"; skipped")
		}
	}
}

func TestLoadMaxPixels(t *testing.T) {
	// A 10×10 pair is 100 pixels: over a limit of 99, within one of 100.
	root := t.TempDir()
	c := filepath.Join(root, "c")
	write(t, filepath.Join(c, "prompt.txt"), []byte("p"))
	writeImage(t, filepath.Join(c, "A", "1.png"), solid(10, 10, teal))
	writeImage(t, filepath.Join(c, "B", "1.jpg"), solid(10, 10, orange))
	for _, tc := range []struct {
		max  int64
		want string // in the error; "" for none
	}{
		{99, filepath.Join(c, "A", "1.png") + ": 10×10 is 100 pixels, more than the limit of 99"},
		{100, ""},
		{0, ""}, // the default
	} {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			_, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 4, MaxPixels: tc.max})
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

func TestLoadWarnsOfEnlargedImages(t *testing.T) {
	// Images smaller than Size are enlarged (blurred): one warning per concept that
	// names them and their size. Size itself or larger is silent.
	root := t.TempDir()
	c := filepath.Join(root, "c")
	write(t, filepath.Join(c, "prompt.txt"), []byte("p"))
	for name, side := range map[string]int{"0001": 1, "0002": 16, "0003": 15, "0004": 40} {
		writeImage(t, filepath.Join(c, "A", name+".png"), solid(side+3, side, teal))
		writeImage(t, filepath.Join(c, "B", name+".png"), solid(side+3, side, orange))
	}
	var warnings []string
	if _, err := conceptdirs.Load(t.Context(), root, conceptdirs.Options{Size: 16,
		Warn: func(m string) { warnings = append(warnings, m) }}); err != nil {
		t.Fatal(err)
	}
	want := "conceptdirs: " + c + ": 2 pairs are smaller than 16×16 and enlarged, which blurs them: " +
		filepath.Join("A", "0001.png") + " (4×1), " + filepath.Join("A", "0003.png") + " (18×15)"
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings %q, want [%q]", warnings, want)
	}
}
