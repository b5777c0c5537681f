package report

import (
	"bytes"
	"fmt"
	"image/png"
	"strconv"
	"strings"

	"dnw/host/internal/contact"
	"dnw/host/internal/imaging"
)

// Grid is one concept's image grid: its first test pair and each method's output for
// it at a few steps of the fine-tune.
type Grid struct {
	Concept        string
	Source, Target *imaging.Image
	Steps          []int
	Outputs        []MethodImages // in the methods' order
}

// MethodImages are one method's outputs at Grid.Steps.
type MethodImages struct {
	Method string
	Images []*imaging.Image
}

// gridScale enlarges the images (32×32 at the quickstart's size) to be seen.
const gridScale = 3

// GridPNG draws the grid: a row per method of source, target and its outputs, with the
// method and the steps beneath.
func GridPNG(g Grid) ([]byte, error) {
	steps := make([]string, len(g.Steps))
	for i, s := range g.Steps {
		steps[i] = strconv.Itoa(s)
	}
	var cells []contact.Cell
	for _, m := range g.Outputs {
		if len(m.Images) != len(g.Steps) {
			return nil, fmt.Errorf("report: %s, %s: %d outputs for %d steps", g.Concept, m.Method, len(m.Images), len(g.Steps))
		}
		cells = append(cells, contact.Cell{
			Images:  append([]*imaging.Image{g.Source, g.Target}, m.Images...),
			Caption: []string{m.Method, "steps " + strings.Join(steps, ", ")},
		})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, contact.Draw(cells, contact.Layout{Columns: 1, Scale: gridScale, Lines: 2})); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
