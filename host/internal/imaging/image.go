package imaging

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Image is an RGB image as three planes (C = 3, H, W) of float32 in [-1, 1], the layout
// and range the engine trains on: Pix[c·H·W + y·W + x].
type Image struct {
	H, W int
	Pix  []float32
}

// New returns a black-mid-grey (all zero) image of h×w.
func New(h, w int) *Image { return &Image{H: h, W: w, Pix: make([]float32, 3*h*w)} }

// At returns channel c of pixel (x, y).
func (m *Image) At(c, x, y int) float32 { return m.Pix[(c*m.H+y)*m.W+x] }

// Set sets channel c of pixel (x, y).
func (m *Image) Set(c, x, y int, v float32) { m.Pix[(c*m.H+y)*m.W+x] = v }

// Clone returns a copy.
func (m *Image) Clone() *Image {
	return &Image{H: m.H, W: m.W, Pix: append([]float32(nil), m.Pix...)}
}

// FromGo converts a decoded image (PNG, JPEG, …) to an Image, mapping 0…255 to −1…1.
func FromGo(src image.Image) *Image {
	b := src.Bounds()
	m := New(b.Dy(), b.Dx())
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			r, g, bl, _ := src.At(b.Min.X+x, b.Min.Y+y).RGBA() // 16-bit
			m.Set(0, x, y, float32(r)/32767.5-1)
			m.Set(1, x, y, float32(g)/32767.5-1)
			m.Set(2, x, y, float32(bl)/32767.5-1)
		}
	}
	return m
}

// ToGo converts to an 8-bit RGBA image, clamping values outside [-1, 1].
func (m *Image) ToGo() *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, m.W, m.H))
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			out.SetRGBA(x, y, color.RGBA{to8(m.At(0, x, y)), to8(m.At(1, x, y)), to8(m.At(2, x, y)), 255})
		}
	}
	return out
}

func to8(v float32) uint8 {
	return uint8(math.Round(float64(min(max((v+1)*127.5, 0), 255))))
}

// CheckSize returns an error unless m is h×w.
func (m *Image) CheckSize(h, w int) error {
	if m.H != h || m.W != w {
		return fmt.Errorf("image is %d×%d, want %d×%d", m.W, m.H, w, h)
	}
	return nil
}
