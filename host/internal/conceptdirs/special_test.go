package conceptdirs_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"dnw/host/internal/conceptdirs"
)

// loadWithin runs Load and fails the test if it has not returned within 5 s: a
// named pipe opened for reading blocks until a writer comes.
func loadWithin(t *testing.T, ctx context.Context, root string, o conceptdirs.Options) ([]conceptdirs.Concept, error) {
	t.Helper()
	type result struct {
		cs  []conceptdirs.Concept
		err error
	}
	done := make(chan result, 1)
	go func() {
		cs, err := conceptdirs.Load(ctx, root, o)
		done <- result{cs, err}
	}()
	select {
	case r := <-done:
		return r.cs, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("Load has not returned after 5 s")
		return nil, nil
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
}

// pipeFixture is a concept with one good pair and one whose source is a named pipe.
func pipeFixture(t *testing.T) (root, pipe string) {
	root = t.TempDir()
	c := filepath.Join(root, "c")
	write(t, filepath.Join(c, "prompt.txt"), []byte("p"))
	writeImage(t, filepath.Join(c, "A", "0002.png"), solid(4, 4, teal))
	writeImage(t, filepath.Join(c, "B", "0002.png"), solid(4, 4, orange))
	pipe = filepath.Join(c, "A", "0001.png")
	mkfifo(t, pipe)
	writeImage(t, filepath.Join(c, "B", "0001.png"), solid(4, 4, orange))
	return root, pipe
}

func TestLoadRefusesNamedPipes(t *testing.T) {
	root, pipe := pipeFixture(t)
	want := pipe + ": a named pipe (FIFO), not a regular file"
	_, err := loadWithin(t, t.Context(), root, conceptdirs.Options{Size: 4})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one with %q", err, want)
	}

	var warnings []string
	cs, err := loadWithin(t, t.Context(), root, conceptdirs.Options{Size: 4, SkipBad: true,
		Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || len(cs[0].Pairs) != 1 || cs[0].Pairs[0].Name != "0002" {
		t.Errorf("loaded %+v, want pair 0002 alone", cs)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], want+"; skipped") {
		t.Errorf("warnings %q, want one with %q", warnings, want+"; skipped")
	}
}

func TestLoadRefusesNamedPipesInPlaceOfFilesAndDirs(t *testing.T) {
	// A pipe as prompt.txt or as A/ is a structural error, skip_bad or not.
	for _, name := range []string{"prompt.txt", "A"} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			c := filepath.Join(root, "c")
			write(t, filepath.Join(c, "prompt.txt"), []byte("p"))
			writeImage(t, filepath.Join(c, "A", "1.png"), solid(4, 4, teal))
			writeImage(t, filepath.Join(c, "B", "1.png"), solid(4, 4, orange))
			pipe := filepath.Join(c, name)
			if err := os.RemoveAll(pipe); err != nil {
				t.Fatal(err)
			}
			mkfifo(t, pipe)
			_, err := loadWithin(t, t.Context(), root, conceptdirs.Options{Size: 4, SkipBad: true})
			if err == nil || !strings.Contains(err.Error(), pipe+": ") {
				t.Errorf("error %v, want one naming %s", err, pipe)
			}
		})
	}
}

func TestLoadFollowsSymlinksToRegularFiles(t *testing.T) {
	// A link to an image loads (a dataset of links into a photo library); a link
	// to a pipe is refused like the pipe.
	root, pipe := pipeFixture(t)
	library := t.TempDir()
	photo := filepath.Join(library, "photo.png")
	writeImage(t, photo, solid(4, 4, teal))
	c := filepath.Join(root, "c")
	if err := os.Remove(pipe); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(photo, pipe); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	cs, err := loadWithin(t, t.Context(), root, conceptdirs.Options{Size: 4})
	if err != nil || len(cs) != 1 || len(cs[0].Pairs) != 2 {
		t.Fatalf("got %+v, %v; want both pairs", cs, err)
	}

	mkfifo(t, filepath.Join(library, "pipe"))
	link := filepath.Join(c, "B", "0003.png")
	if err := os.Symlink(filepath.Join(library, "pipe"), link); err != nil {
		t.Fatal(err)
	}
	writeImage(t, filepath.Join(c, "A", "0003.png"), solid(4, 4, teal))
	_, err = loadWithin(t, t.Context(), root, conceptdirs.Options{Size: 4})
	if want := link + ": a named pipe"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one with %q", err, want)
	}
}

func TestLoadStopsWhenCancelled(t *testing.T) {
	root := goodFixture(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cs, err := loadWithin(t, ctx, root, conceptdirs.Options{Size: 4})
	if !errors.Is(err, context.Canceled) || cs != nil {
		t.Fatalf("got %d concepts, error %v; want none and context.Canceled", len(cs), err)
	}
	if !strings.HasPrefix(err.Error(), "conceptdirs: loading "+root+": ") {
		t.Errorf("error %q does not say what was stopped", err)
	}
}
