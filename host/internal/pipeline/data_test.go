package pipeline

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/concepts"
	"dnw/host/internal/config"
	"dnw/host/internal/extensions"
	"dnw/host/internal/imaging"
	"dnw/host/internal/pairstore"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/progress"
	"dnw/host/internal/runstore"
	"dnw/host/internal/stage"
	"dnw/host/internal/stagecache"
)

// writeFolders makes root/NAME/{prompt.txt,A,B} for each name with n pairs of
// flat images: source grey level 10·i, target its inverse.
func writeFolders(t *testing.T, root string, names []string, n int) {
	t.Helper()
	for _, name := range names {
		dir := filepath.Join(root, name)
		for _, sub := range []string{"A", "B"} {
			if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "prompt.txt"), []byte(name+" look\n"+name+" style\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			for sub, v := range map[string]uint8{"A": uint8(10 * i), "B": 255 - uint8(10*i)} {
				m := image.NewGray(image.Rect(0, 0, 20, 20))
				for p := range m.Pix {
					m.Pix[p] = v
				}
				f, err := os.Create(filepath.Join(dir, sub, fmt.Sprintf("%02d.png", i)))
				if err != nil {
					t.Fatal(err)
				}
				if err := png.Encode(f, m); err != nil {
					t.Fatal(err)
				}
				f.Close()
			}
		}
	}
}

func runFolders(t *testing.T, root string, mutate func(*config.Config)) (string, error) {
	t.Helper()
	dir := t.TempDir()
	p := stage.Pipeline{Name: "data", Stages: []stage.Stage{conceptsStage, pairsStage}}
	return dir, runPipelineWith(t, dir, p, 1, nil, func(c *config.Config) {
		c.Data.Source, c.Data.Dir, c.Data.HeldoutConcepts, c.Data.TestPairs = "folders", root, 1, 1
		if mutate != nil {
			mutate(c)
		}
	})
}

func TestFoldersSourceReadsConceptsAndPairs(t *testing.T) {
	root := t.TempDir()
	writeFolders(t, root, []string{"dusk", "neon", "sepia"}, 3)
	dir, err := runFolders(t, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := concepts.ReadFile(filepath.Join(dir, "stages/concepts/catalogue.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Train()) != 2 || len(cat.Heldout()) != 1 {
		t.Fatalf("split %d train, %d held out; want 2, 1", len(cat.Train()), len(cat.Heldout()))
	}
	if k := cat.Concepts[0]; k.ID != "dusk" || strings.Join(k.Prompts, "|") != "dusk look|dusk style" {
		t.Errorf("first concept %+v", k)
	}
	pairs, err := pairstore.Read(filepath.Join(dir, "stages/pairs/pairs.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	neon := pairs["neon"]
	if neon.Train.N != 2 || neon.Test.N != 1 || neon.Train.Size != 16 {
		t.Fatalf("neon: %d train, %d test pairs at %d px; want 2, 1 at 16", neon.Train.N, neon.Test.N, neon.Train.Size)
	}
	// The last pair by name is the test pair: source level 20, target 235, in [-1, 1].
	src, tgt := neon.Test.Pair(0)
	if want := float32(20)/127.5 - 1; src[0] < want-1e-3 || src[0] > want+1e-3 || tgt[0] < -want-1e-3 || tgt[0] > -want+1e-3 {
		t.Errorf("test pair pixels %v → %v, want %v → %v", src[0], tgt[0], want, -want)
	}
}

func TestFoldersSourceNamesTheBrokenFile(t *testing.T) {
	root := t.TempDir()
	writeFolders(t, root, []string{"dusk", "neon"}, 3)
	bad := filepath.Join(root, "neon", "B", "01.png")
	if err := os.WriteFile(bad, []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runFolders(t, root, nil); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("err = %v, want it to name %s", err, bad)
	}
	// Under data.skip_bad the pair is skipped and the rest is read.
	dir, err := runFolders(t, root, func(c *config.Config) { c.Data.SkipBad = true })
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := pairstore.Read(filepath.Join(dir, "stages/pairs/pairs.safetensors"))
	if err != nil || pairs["neon"].Train.N+pairs["neon"].Test.N != 2 {
		t.Errorf("neon after skipping: %+v, %v", pairs["neon"], err)
	}
}

// With shared sources two concepts edit the same training scenes and the same test
// scenes, and no test scene is a training scene; without, each draws its own.
func TestSharedSources(t *testing.T) {
	sepia := concepts.Concept{ID: "c000-sepia", Steps: []imaging.Step{{Edit: "sepia", Params: map[string]float64{"strength": 0.8}}}}
	invert := concepts.Concept{ID: "c001-invert", Steps: []imaging.Step{{Edit: "invert"}}}
	render := func(k concepts.Concept, shared bool) pairstore.Concept {
		c, err := renderPairs(k, 16, 3, 2, 7, shared)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := render(sepia, true), render(invert, true)
	if !slices.Equal(a.Train.Source, b.Train.Source) || !slices.Equal(a.Test.Source, b.Test.Source) {
		t.Error("shared sources: the two concepts' source scenes differ")
	}
	if slices.Equal(a.Train.Target, b.Train.Target) {
		t.Error("shared sources: different edits gave the same targets")
	}
	scene := len(a.Test.Source) / a.Test.N
	for i := range a.Train.N {
		for j := range a.Test.N {
			if slices.Equal(a.Train.Source[i*scene:(i+1)*scene], a.Test.Source[j*scene:(j+1)*scene]) {
				t.Errorf("shared sources: test scene %d is training scene %d", j, i)
			}
		}
	}
	if a, b := render(sepia, false), render(invert, false); slices.Equal(a.Train.Source, b.Train.Source) {
		t.Error("own sources: the two concepts drew the same scenes")
	}
}

// runFoldersCached runs the data stages over the folders at root into dir, with
// the stage cache at cache, and returns the log.
func runFoldersCached(t *testing.T, dir, root string, cache *stagecache.Cache) string {
	t.Helper()
	cfg := tinyConfig()
	cfg.Data.Source, cfg.Data.Dir, cfg.Data.HeldoutConcepts, cfg.Data.TestPairs = "folders", root, 1, 1
	run, err := runstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if run.Manifest == nil {
		run.Manifest = &runstore.Manifest{Format: runstore.ManifestFormat}
	}
	plugins, err := pluginhost.NewManager(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plugins.Close()
	var log bytes.Buffer
	r := &stage.Runner{Run: run, Config: &cfg, Log: slog.New(slog.NewTextHandler(&log, nil)),
		Progress: progress.New(io.Discard, progress.Options{}), Plugins: plugins, Extensions: extensions.NewSet(&cfg),
		Cache: cache, Build: "test"}
	p := stage.Pipeline{Name: "data", Stages: []stage.Stage{conceptsStage, pairsStage}}
	if err := r.Execute(t.Context(), p); err != nil {
		t.Fatalf("Execute: %v\n%s", err, log.String())
	}
	return log.String()
}

// writeGrey replaces the image at path with a 20×20 grey one of level v.
func writeGrey(t *testing.T, path string, v uint8) {
	t.Helper()
	m := image.NewGray(image.Rect(0, 0, 20, 20))
	for p := range m.Pix {
		m.Pix[p] = v
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The data stages' fingerprints cover the files under data.dir, not only its path:
// changing one image, one prompt.txt or split.json makes stages concepts and pairs out of
// date in a run that read the old files, and a new run with a stage cache misses
// instead of restoring the old pairs.
func TestFolderDataChangesRerunTheDataStages(t *testing.T) {
	root, runs := t.TempDir(), t.TempDir()
	writeFolders(t, root, []string{"dusk", "neon", "sepia"}, 3)
	cache, err := stagecache.Open(filepath.Join(runs, "cache"))
	if err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(runs, "first")
	runFoldersCached(t, first, root, cache)
	if log := runFoldersCached(t, first, root, cache); strings.Count(log, "stage up to date") != 2 {
		t.Fatalf("unchanged data: want both stages up to date:\n%s", log)
	}
	stale := func(log, what string) {
		t.Helper()
		for _, s := range []string{"concepts", "pairs"} {
			if !strings.Contains(log, "stage out of date: its config keys, inputs or data files changed\" stage="+s) {
				t.Errorf("after changing %s: stage %s not out of date:\n%s", what, s, log)
			}
		}
	}
	missed := func(log, what string) {
		t.Helper()
		if strings.Contains(log, "restored from the cache") || strings.Count(log, "stage cache miss") != 2 {
			t.Errorf("after changing %s: a new run did not miss the cache:\n%s", what, log)
		}
	}

	// One image's bytes: neon's second training source, level 10 → 99.
	writeGrey(t, filepath.Join(root, "neon", "A", "01.png"), 99)
	missed(runFoldersCached(t, filepath.Join(runs, "second"), root, cache), "an image")
	stale(runFoldersCached(t, first, root, cache), "an image")
	pairs, err := pairstore.Read(filepath.Join(first, "stages/pairs/pairs.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if src, _ := pairs["neon"].Train.Pair(1); src[0] < float32(99)/127.5-1-1e-3 || src[0] > float32(99)/127.5-1+1e-3 {
		t.Errorf("neon's changed source reads %v, want level 99", src[0])
	}

	// One prompt.txt.
	if err := os.WriteFile(filepath.Join(root, "dusk", "prompt.txt"), []byte("dusk light\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missed(runFoldersCached(t, filepath.Join(runs, "third"), root, cache), "a prompt.txt")
	stale(runFoldersCached(t, first, root, cache), "a prompt.txt")
	cat, err := concepts.ReadFile(filepath.Join(first, "stages/concepts/catalogue.json"))
	if err != nil || strings.Join(cat.Concepts[0].Prompts, "|") != "dusk light" {
		t.Errorf("dusk's prompts after the change: %+v, %v", cat.Concepts[0], err)
	}

	// A split.json, which names the held-out concepts.
	if err := os.WriteFile(filepath.Join(root, "split.json"), []byte(`{"heldout": ["dusk"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	missed(runFoldersCached(t, filepath.Join(runs, "fourth"), root, cache), "split.json")
	stale(runFoldersCached(t, first, root, cache), "split.json")
	if ids := heldoutIDs(t, first); !slices.Equal(ids, []string{"dusk"}) {
		t.Errorf("held out after split.json: %v; want [dusk]", ids)
	}
}

func TestFoldersSourceAppliesMaxPixels(t *testing.T) {
	// data.max_pixels reaches the loader: 20×20 images are 400 pixels, one too many.
	root := t.TempDir()
	writeFolders(t, root, []string{"dusk", "neon"}, 3)
	_, err := runFolders(t, root, func(c *config.Config) { c.Data.MaxPixels = 399 })
	want := filepath.Join(root, "dusk", "A", "00.png") + ": 20×20 is 400 pixels, more than the limit of 399 (data.max_pixels)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want one with %q", err, want)
	}
}
