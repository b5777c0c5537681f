package contact

import (
	"slices"
	"testing"

	"dnw/host/internal/imaging"
)

func TestWrap(t *testing.T) {
	got := wrap([]string{"a sepia photograph in pixel art", "c001 (train)"}, 12, 3)
	if want := []string{"a sepia", "photograph", "in pixel ..."}; !slices.Equal(got, want) {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap([]string{"short"}, 12, 3); !slices.Equal(got, []string{"short"}) {
		t.Errorf("wrap = %q", got)
	}
}

// TestDrawPlacesImagesAndText: a cell's image lands scaled where expected, and the
// caption area has ink.
func TestDrawPlacesImagesAndText(t *testing.T) {
	red := imaging.New(4, 4)
	for i := 0; i < 16; i++ {
		red.Pix[i] = 1 // R plane 1, G and B -1: pure red after conversion
		red.Pix[16+i], red.Pix[32+i] = -1, -1
	}
	sheet := Draw([]Cell{{Images: []*imaging.Image{red, red}, Caption: []string{"hello"}}}, Layout{Columns: 2, Scale: 2, Lines: 1})
	if c := sheet.RGBAAt(gap+1, gap+1); c.R != 255 || c.G != 0 {
		t.Errorf("image pixel %v, want red", c)
	}
	if c := sheet.RGBAAt(gap+8+imageGap+7, gap+7); c.R != 255 || c.G != 0 {
		t.Errorf("second image's last pixel %v, want red", c)
	}
	inked := 0
	for y := gap + 8 + gap; y < gap+8+gap+lineHeight; y++ {
		for x := gap; x < gap+5*charWidth; x++ {
			if sheet.RGBAAt(x, y).R < 128 {
				inked++
			}
		}
	}
	if inked < 20 {
		t.Errorf("caption area has %d dark pixels, want the text", inked)
	}
}
