package imaging

import "math"

// Style edits that imitate the camera and the darkroom: focus, sharpening, lens
// fall-off and film grain.

// blurTo blurs with a Gaussian of standard deviation σ = radius pixels (the meaning of
// "radius" in PIL's ImageFilter.GaussianBlur), separable, taps to ±⌈3σ⌉.
func blurTo(dst, src *Image, radius float64) {
	gaussianTo(dst.Pix, src.Pix, src.H, src.W, radius)
}

// sharpenTo is an unsharp mask (the darkroom technique, as in GIMP and ImageMagick):
// v' = clamp(v + amount·(v − G₁ ∗ v)), G₁ a Gaussian of σ = 1 pixel, which steepens
// edges and lifts fine detail.
func sharpenTo(dst, src *Image, amount float64) {
	gaussianTo(dst.Pix, src.Pix, src.H, src.W, 1)
	a := float32(amount)
	for i, v := range src.Pix {
		dst.Pix[i] = clamp1(v + a*(v-dst.Pix[i]))
	}
}

// vignetteInner is the radius, as a fraction of the half-diagonal, inside which the
// vignette leaves the image untouched, so the subject in the centre keeps its tone
// and only the outer part darkens, as with a real lens hood or a darkroom vignette.
const vignetteInner = 0.3

// vignetteTo darkens towards the corners: u' = u·(1 − strength·t²), where
// t = clamp((r − vignetteInner)/(1 − vignetteInner), 0, 1) and r is the distance from
// the centre as a fraction of the half-diagonal; at strength 1 the corners are black.
func vignetteTo(dst, src *Image, strength float64) {
	h, w := src.H, src.W
	cx, cy := float64(w)/2, float64(h)/2
	half := math.Hypot(cx, cy)
	p := h * w
	for y := range h {
		for x := range w {
			r := length(float64(x)+0.5-cx, float64(y)+0.5-cy) / half
			t := clamp01((r - vignetteInner) / (1 - vignetteInner))
			f := float32(1 - strength*t*t)
			for c := range 3 {
				k := c*p + y*w + x
				dst.Pix[k] = (src.Pix[k]+1)*f - 1
			}
		}
	}
}

// noiseGrainTo adds film grain: v' = clamp(v + amount·n(x, y)), the same n on every
// channel (luminance grain, as silver grain is), n uniform in [−1, 1) from a hash of
// the pixel's coordinates, so the same image always gets the same grain and no
// random state is shared.
func noiseGrainTo(dst, src *Image, amount float64) {
	h, w := src.H, src.W
	p := h * w
	a := float32(amount)
	for y := range h {
		for x := range w {
			n := a * grain(x, y)
			for c := range 3 {
				k := c*p + y*w + x
				dst.Pix[k] = clamp1(src.Pix[k] + n)
			}
		}
	}
}

// grain hashes (x, y) to a value uniform in [−1, 1) with the SplitMix64 finaliser
// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA
// 2014), whose output bits all depend on every input bit, so neighbouring pixels get
// unrelated values.
func grain(x, y int) float32 {
	z := uint64(uint32(y))<<32 | uint64(uint32(x))
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return float32(z>>40)/(1<<23) - 1 // the top 24 bits, exact in float32
}
