package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A data folder with a concept that lacks prompt.txt, or has no images, is bad
// input: exit 2, naming the file.
func TestBadDataFolderExits2(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(t *testing.T, concept string)
		want  string
	}{
		{"no prompt.txt", func(t *testing.T, concept string) {
			for _, d := range []string{"A", "B"} {
				if err := os.MkdirAll(filepath.Join(concept, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}, "prompt.txt: missing"},
		{"no images", func(t *testing.T, concept string) {
			for _, d := range []string{"A", "B"} {
				if err := os.MkdirAll(filepath.Join(concept, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			writeFile(t, concept, "prompt.txt", "sepia look\n")
		}, "no image pairs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := t.TempDir()
			concept := filepath.Join(data, "sepia")
			c.build(t, concept)
			code, _, errOut := dnw(t, "run", shipped+"tiny.toml", "--out", filepath.Join(t.TempDir(), "run"), "--until", "concepts",
				"--set", `data.source="folders"`, "--set", `data.dir="`+data+`"`)
			if code != ExitUsage || !strings.Contains(errOut, concept) || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, want 2, and stderr naming %s and %q:\n%s", code, concept, c.want, errOut)
			}
		})
	}
}

// A run directory whose manifest.json is cut short or corrupt is bad input: exit 2,
// saying how to recover; for run and status alike.
func TestCorruptManifestExits2AndSaysHowToRecover(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	if code, _, errOut := dnw(t, "run", shipped+"tiny.toml", "--out", run, "--until", "concepts"); code != ExitOK {
		t.Fatal(errOut)
	}
	manifest := filepath.Join(run, "manifest.json")
	good, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"truncated": good[:len(good)/2], "corrupt": []byte("\x00\x00garbage")} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(manifest, data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"run", run}, {"run", shipped + "tiny.toml", "--out", run}, {"status", run}} {
				code, _, errOut := dnw(t, args...)
				if code != ExitUsage || !strings.Contains(errOut, manifest) || !strings.Contains(errOut, "Start a new run directory") {
					t.Errorf("dnw %s: exit %d, want 2, and stderr naming %s and how to recover:\n%s", strings.Join(args, " "), code, manifest, errOut)
				}
			}
		})
	}
}

// Held-out concepts named for folder data must be folders: validate says which is
// not, at data.heldout's line or at split.json, with the nearest folder name; and
// data.heldout is for folder data only.
func TestValidateChecksTheNamedHeldoutConcepts(t *testing.T) {
	data := t.TempDir()
	for _, name := range []string{"dusk", "neon", "sepia"} {
		os.MkdirAll(filepath.Join(data, name), 0o755)
	}
	dir := t.TempDir()
	f := writeFile(t, dir, "f.toml", `[experiment]
name = "f"
[data]
source = "folders"
dir = "`+data+`"
heldout = ["sepai"]
`)
	code, _, errOut := dnw(t, "validate", f)
	want := f + `:6: data.heldout: no concept folder "sepai" (did you mean "sepia"?); the folders are dusk, neon, sepia`
	if code != ExitUsage || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 2 and %q:\n%s", code, want, errOut)
	}

	writeFile(t, data, "split.json", `{"heldout": ["nein"]}`)
	f = writeFile(t, dir, "g.toml", "[experiment]\nname = \"g\"\n[data]\nsource = \"folders\"\ndir = \""+data+"\"\n")
	code, _, errOut = dnw(t, "validate", f)
	want = f + `:5: data.dir: ` + filepath.Join(data, "split.json") + `: no concept folder "nein" (did you mean "neon"?)`
	if code != ExitUsage || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 2 and %q:\n%s", code, want, errOut)
	}

	code, _, errOut = dnw(t, "validate", shipped+"tiny.toml", "--set", `data.heldout=["sepia"]`)
	if code != ExitUsage || !strings.Contains(errOut, `data.heldout: names folder concepts; it needs data.source = "folders"`) {
		t.Errorf("procedural data with data.heldout: exit %d\n%s", code, errOut)
	}
}
