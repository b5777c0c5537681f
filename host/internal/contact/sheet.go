package contact

import (
	"image"
	"image/color"
	"image/draw"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"dnw/host/internal/imaging"
)

// Cell is one entry of a sheet: its images left to right, and its caption.
type Cell struct {
	Images  []*imaging.Image
	Caption []string // lines; long ones are wrapped to the cell's width
}

// Layout sizes a sheet.
type Layout struct {
	Columns int // cells per row
	Scale   int // each image pixel becomes Scale×Scale pixels
	Lines   int // caption lines per cell (wrapped text beyond them is cut with …)
}

const (
	gap        = 6  // pixels between images and around cells
	lineHeight = 15 // basicfont.Face7x13 is 13 pixels high
	charWidth  = 7  // and 7 wide
	imageGap   = 2  // between the images of one cell
)

var (
	background = color.RGBA{250, 250, 250, 255}
	ink        = color.RGBA{20, 20, 20, 255}
)

// Draw renders cells into one image. Every image of every cell must have the size of
// the first; cells may have different numbers of images (the widest sets the width).
func Draw(cells []Cell, l Layout) *image.RGBA {
	if len(cells) == 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	side := cells[0].Images[0].H * l.Scale
	per := 0
	for _, c := range cells {
		per = max(per, len(c.Images))
	}
	cellW := per*side + (per-1)*imageGap
	cellH := side + gap + l.Lines*lineHeight
	cols := min(l.Columns, len(cells))
	rows := (len(cells) + cols - 1) / cols
	sheet := image.NewRGBA(image.Rect(0, 0, gap+cols*(cellW+gap), gap+rows*(cellH+gap)))
	draw.Draw(sheet, sheet.Bounds(), &image.Uniform{background}, image.Point{}, draw.Src)
	face := basicfont.Face7x13
	for i, c := range cells {
		x0, y0 := gap+(i%cols)*(cellW+gap), gap+(i/cols)*(cellH+gap)
		for j, m := range c.Images {
			drawScaled(sheet, m.ToGo(), image.Pt(x0+j*(side+imageGap), y0), l.Scale)
		}
		d := &font.Drawer{Dst: sheet, Src: &image.Uniform{ink}, Face: face}
		for k, line := range wrap(c.Caption, cellW/charWidth, l.Lines) {
			d.Dot = fixed.P(x0, y0+side+gap+k*lineHeight+11)
			d.DrawString(line)
		}
	}
	return sheet
}

// drawScaled copies src into dst at p, each pixel as an s×s block (nearest
// neighbour keeps small images crisp).
func drawScaled(dst *image.RGBA, src *image.RGBA, p image.Point, s int) {
	b := src.Bounds()
	for y := 0; y < b.Dy()*s; y++ {
		for x := 0; x < b.Dx()*s; x++ {
			dst.SetRGBA(p.X+x, p.Y+y, src.RGBAAt(b.Min.X+x/s, b.Min.Y+y/s))
		}
	}
}

// wrap breaks lines at spaces to width characters, at most maxLines lines; text cut
// off ends in "..." (basicfont has ASCII glyphs only).
func wrap(lines []string, width, maxLines int) []string {
	var out []string
	for _, line := range lines {
		cur := ""
		for _, w := range strings.Fields(line) {
			switch {
			case cur == "":
				cur = w
			case len(cur)+1+len(w) <= width:
				cur += " " + w
			default:
				out = append(out, cur)
				cur = w
			}
		}
		if cur != "" {
			out = append(out, cur)
		}
	}
	for i, l := range out { // a single word longer than the cell
		if len(l) > width {
			out[i] = l[:width]
		}
	}
	if len(out) > maxLines {
		out = out[:maxLines]
		last := out[maxLines-1]
		out[maxLines-1] = last[:min(len(last), max(width-3, 0))] + "..."
	}
	return out
}
