package cli

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/concepts"
	"dnw/host/internal/contact"
	"dnw/host/internal/imaging"
	"dnw/host/internal/pairstore"
)

var dataCmd = &command{
	name:    "data",
	args:    "preview RUN_DIR [flags]",
	summary: "look at a run's concepts and paired images",
	help: `data preview writes a PNG contact sheet of a run's data: for a sample of its
concepts (training and held-out), two training pairs each as source → target, with
the concept's id, split and first prompt beneath. It reads the outputs of the
concepts and pairs stages, so run those first (dnw run stops after any stage you
interrupt; a finished run has them).

Examples:
  dnw data preview runs/quickstart
  dnw data preview runs/quickstart --concepts 24 --out sheet.png`,
	run: runData,
}

func runData(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	out := flags.String("out", "", "PNG to write (default RUN_DIR/preview.png)")
	n := flags.Int("concepts", 12, "how many concepts to show")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "preview" {
		return usagef("expected 'preview RUN_DIR', got %q", strings.Join(pos, " "))
	}
	if *n < 1 {
		return usagef("--concepts %d: need at least 1", *n)
	}
	dir := pos[1]
	if *out == "" {
		*out = filepath.Join(dir, "preview.png")
	}
	cat, err := concepts.ReadFile(filepath.Join(dir, "stages/concepts/catalogue.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (has the run's concepts stage finished?)", err)
	}
	if err != nil {
		return err
	}
	pairs, err := pairstore.Read(filepath.Join(dir, "stages/pairs/pairs.safetensors"))
	if err != nil {
		return fmt.Errorf("%w (has the run's pairs stage finished?)", err)
	}
	var cells []contact.Cell
	for _, k := range sample(cat, *n) {
		p, ok := pairs[k.ID]
		if !ok {
			return fmt.Errorf("concept %s has no pairs", k.ID)
		}
		cell := contact.Cell{Caption: []string{k.ID + " (" + k.Split + ")", k.Prompts[0]}}
		for i := range min(2, p.Train.N) {
			src, tgt := p.Train.Pair(i)
			cell.Images = append(cell.Images, &imaging.Image{H: p.Train.Size, W: p.Train.Size, Pix: src},
				&imaging.Image{H: p.Train.Size, W: p.Train.Size, Pix: tgt})
		}
		cells = append(cells, cell)
	}
	scale := max(1, 96/cells[0].Images[0].H)
	sheet := contact.Draw(cells, contact.Layout{Columns: 3, Scale: scale, Lines: 4})
	if err := atomicfile.Write(*out, func(w io.Writer) error { return png.Encode(w, sheet) }); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d concepts, source → target, two training pairs each\n", *out, len(cells))
	return nil
}

// sample picks up to n concepts spread over the catalogue: held-out ones for up to a
// third of the sheet, training ones for the rest, each group evenly spaced.
func sample(cat concepts.Catalogue, n int) []concepts.Concept {
	train, held := cat.Train(), cat.Heldout()
	nh := min(len(held), n/3)
	nt := min(len(train), n-nh)
	return append(spread(train, nt), spread(held, nh)...)
}

func spread(cs []concepts.Concept, n int) []concepts.Concept {
	var out []concepts.Concept
	for i := range n {
		out = append(out, cs[i*len(cs)/n])
	}
	return out
}
