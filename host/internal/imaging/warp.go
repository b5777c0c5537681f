package imaging

import "math"

// Structure edits that move pixels continuously: each output pixel is read from a
// source position given by an inverse map (so the output has no holes), with
// bilinear interpolation between the four nearest source pixels.

// warpTo fills dst (src's size) by inverse mapping: dst(x, y) = src(from(x, y)), in
// pixel-index coordinates (pixel (i, j) at (i, j)), sampled bilinearly.
func warpTo(dst, src *Image, from func(x, y float64) (sx, sy float64)) {
	p := src.H * src.W
	for y := range src.H {
		for x := range src.W {
			sx, sy := from(float64(x), float64(y))
			r, g, b := bilinear(src, sx, sy)
			k := y*src.W + x
			dst.Pix[k], dst.Pix[p+k], dst.Pix[2*p+k] = r, g, b
		}
	}
}

// bilinear samples m at (x, y), clamped to the image, weighting the four nearest
// pixels by (1 − fx)(1 − fy), fx(1 − fy), (1 − fx)fy and fx·fy. At integer
// coordinates it returns the pixel exactly.
func bilinear(m *Image, x, y float64) (r, g, b float32) {
	x = min(max(x, 0), float64(m.W-1))
	y = min(max(y, 0), float64(m.H-1))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, m.W-1), min(y0+1, m.H-1)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	w00, w10, w01, w11 := (1-fx)*(1-fy), fx*(1-fy), (1-fx)*fy, fx*fy
	i00, i10, i01, i11 := y0*m.W+x0, y0*m.W+x1, y1*m.W+x0, y1*m.W+x1
	p := m.H * m.W
	at := func(c int) float32 {
		s := m.Pix[c*p : (c+1)*p]
		return w00*s[i00] + w10*s[i10] + w01*s[i01] + w11*s[i11]
	}
	return at(0), at(1), at(2)
}

// centre returns the image's centre in pixel-index coordinates and the radius of its
// inscribed circle, the reach of the radial warps.
func centre(m *Image) (cx, cy, radius float64) {
	return float64(m.W-1) / 2, float64(m.H-1) / 2, float64(min(m.W, m.H)) / 2
}

// swirlTo twists the image around its centre: a point at distance r < R (R half the
// smaller side) is read from its position turned by φ(r) = angle·(1 − r/R)² radians,
// most at the centre and fading to none at R, so the frame stays in place (the swirl
// of scikit-image's transform.swirl, with a polynomial fall-off instead of its
// exponential so that the warp ends exactly at R).
func swirlTo(dst, src *Image, angle float64) {
	cx, cy, rad := centre(src)
	warpTo(dst, src, func(x, y float64) (float64, float64) {
		dx, dy := x-cx, y-cy
		r := length(dx, dy)
		if r >= rad {
			return x, y
		}
		f := 1 - r/rad
		sin, cos := math.Sincos(angle * f * f)
		return cx + cos*dx - sin*dy, cy + sin*dx + cos*dy
	})
}

// waveTo ripples the image: dst(x, y) = src(x + A·W·sin(2πf·y/H), y + A·H·sin(2πf·x/W)),
// displacements of amplitude A (a fraction of the image) in f full waves across it,
// as ImageMagick's -wave applied along both axes. The sines depend on one coordinate
// each, so they are tabulated once per row and column.
func waveTo(dst, src *Image, amplitude, frequency float64) {
	h, w := src.H, src.W
	dx, dy := make([]float64, h), make([]float64, w)
	for y := range h {
		dx[y] = amplitude * float64(w) * math.Sin(2*math.Pi*frequency*float64(y)/float64(h))
	}
	for x := range w {
		dy[x] = amplitude * float64(h) * math.Sin(2*math.Pi*frequency*float64(x)/float64(w))
	}
	warpTo(dst, src, func(x, y float64) (float64, float64) {
		return x + dx[int(y)], y + dy[int(x)]
	})
}

// zoomTo crops the centre 1/factor of the image and scales it back up:
// dst(p) = src(c + (p − c)/factor), c the centre.
func zoomTo(dst, src *Image, factor float64) {
	cx, cy, _ := centre(src)
	warpTo(dst, src, func(x, y float64) (float64, float64) {
		return cx + (x-cx)/factor, cy + (y-cy)/factor
	})
}

// fisheyeTo bulges the centre out as a fisheye lens does: a point at relative distance
// ρ = r/R < 1 from the centre (R half the smaller side) is read from distance
// ρ·(1 − strength + strength·ρ)·R. The map is ρ at strength 0 and ρ² at 1; it keeps
// ρ = 1 in place, so the bulge meets the untouched corners without a seam, and
// magnifies the centre by 1/(1 − strength).
func fisheyeTo(dst, src *Image, strength float64) {
	cx, cy, rad := centre(src)
	warpTo(dst, src, func(x, y float64) (float64, float64) {
		dx, dy := x-cx, y-cy
		rho := length(dx, dy) / rad
		if rho >= 1 {
			return x, y
		}
		k := 1 - strength + strength*rho
		return cx + k*dx, cy + k*dy
	})
}
