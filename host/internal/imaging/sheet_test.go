package imaging

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// TestContactSheet writes a PNG to look at when DNW_EDITS_SHEET names a file: one row
// per scene, the source first and then every edit in Specs order, each with its
// parameters at DNW_EDITS_SHEET_AT of their ranges (default 0.75). Edits have no numeric oracle for "looks like a pencil sketch";
// this sheet is how a person checks that each does what its name says.
//
//	DNW_EDITS_SHEET=/tmp/edits.png go test ./host/internal/imaging -run ContactSheet
func TestContactSheet(t *testing.T) {
	path := os.Getenv("DNW_EDITS_SHEET")
	if path == "" {
		t.Skip("set DNW_EDITS_SHEET to a .png path to draw the sheet")
	}
	at := 0.75
	if v := os.Getenv("DNW_EDITS_SHEET_AT"); v != "" {
		var err error
		if at, err = strconv.ParseFloat(v, 64); err != nil {
			t.Fatalf("DNW_EDITS_SHEET_AT: %v", err)
		}
	}
	const size, scenes, gap = 64, 8, 2
	specs := Specs()
	sheet := image.NewRGBA(image.Rect(0, 0, (len(specs)+1)*(size+gap), scenes*(size+gap)))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	rng := rand.New(rand.NewPCG(7, 7))
	for row := range scenes {
		src := Scene(rng, size)
		put := func(col int, m *Image) {
			at := image.Pt(col*(size+gap), row*(size+gap))
			draw.Draw(sheet, image.Rectangle{at, at.Add(image.Pt(m.W, m.H))}, m.ToGo(), image.Point{}, draw.Src)
		}
		put(0, src)
		for k, s := range specs {
			out, err := Apply(src, []Step{stepAt(s, at)})
			if err != nil {
				t.Fatal(err)
			}
			put(k+1, out)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, sheet); err != nil {
		t.Fatal(err)
	}
}
