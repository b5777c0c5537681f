package imaging

import "math"

// Luma weights of ITU-R BT.601 (Y = 0.299 R + 0.587 G + 0.114 B), the weights of
// grayscale, threshold, sketch and the other edits that need one brightness per pixel.
// They sum to 1, so luma maps [-1, 1] to [-1, 1] and grey stays grey.
const (
	lumaR = 0.299
	lumaG = 0.587
	lumaB = 0.114
)

// luma is the BT.601 luma of one pixel, in the image's own scale.
func luma(r, g, b float32) float32 { return lumaR*r + lumaG*g + lumaB*b }

// hsv converts a colour given as hue h in degrees, saturation s and value v in [0, 1]
// to r, g, b in [0, 1]: the hexcone model of Smith, "Color Gamut Transform Pairs"
// (SIGGRAPH 1978), in the form of Go's and Python's colorsys.hsv_to_rgb.
func hsv(h, s, v float64) (r, g, b float64) {
	h = math.Mod(h, 360)
	if h < 0 {
		h += 360
	}
	sector := h / 60
	i := math.Floor(sector)
	f := sector - i
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	switch int(i) {
	case 0:
		return v, t, p
	case 1:
		return q, v, p
	case 2:
		return p, v, t
	case 3:
		return p, q, v
	case 4:
		return t, p, v
	default:
		return v, p, q
	}
}

// signed maps a value u in [0, 1] to the image scale [-1, 1]: v = 2u − 1.
func signed(u float64) float32 { return float32(2*u - 1) }

// clamp1 limits v to the image range [-1, 1].
func clamp1(v float32) float32 { return min(max(v, -1), 1) }

// clamp01 limits u to [0, 1].
func clamp01(u float64) float64 { return min(max(u, 0), 1) }
