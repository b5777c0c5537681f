package conceptdirs_test

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"dnw/host/internal/conceptdirs"
)

func ExampleLoad() {
	root, _ := os.MkdirTemp("", "concepts")
	defer os.RemoveAll(root)
	put := func(path string, m image.Image) {
		os.MkdirAll(filepath.Dir(path), 0o755)
		f, _ := os.Create(path)
		png.Encode(f, m)
		f.Close()
	}
	dir := filepath.Join(root, "sepia-photo")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "prompt.txt"), []byte("# paraphrases\nsepia photograph\nold brown-toned photo\n"), 0o644)
	put(filepath.Join(dir, "A", "0001.png"), image.NewRGBA(image.Rect(0, 0, 48, 32)))
	put(filepath.Join(dir, "B", "0001.png"), image.NewRGBA(image.Rect(0, 0, 48, 32)))
	put(filepath.Join(dir, "A", "0002.png"), image.NewRGBA(image.Rect(0, 0, 48, 32))) // no partner

	concepts, err := conceptdirs.Load(context.Background(), root, conceptdirs.Options{
		Size: 16, SkipBad: true,
		Warn: func(msg string) { fmt.Println(strings.ReplaceAll(msg, root, "ROOT")) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range concepts {
		fmt.Printf("%s %q\n", c.ID, c.Prompts)
		for _, p := range c.Pairs {
			fmt.Printf("  %s %d×%d\n", p.Name, p.Source.W, p.Source.H)
		}
	}
	// Output:
	// conceptdirs: ROOT/sepia-photo/A/0002.png has no partner in ROOT/sepia-photo/B; skipped
	// sepia-photo ["sepia photograph" "old brown-toned photo"]
	//   0001 16×16
}
