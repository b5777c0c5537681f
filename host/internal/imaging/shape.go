package imaging

import "math"

// A shape is a region of a scene given by its signed distance in pixels: negative
// inside, positive outside, zero on the outline. Drawing one only visits its bounding
// box, so a small object costs little however large the image.
type shape struct {
	x0, y0, x1, y1 float64                    // bounding box, in pixel coordinates
	dist           func(x, y float64) float64 // signed distance at (x, y)
}

// ink is the colour a shape is filled with: rgb (in [0, 1]) at the point (cx, cy),
// plus gx·(x−cx) + gy·(y−cy) on every channel, a linear shade as if lit from one side,
// so that objects are not all flat.
type ink struct {
	rgb            [3]float64
	cx, cy, gx, gy float64
}

// flat is an ink without shading.
func flat(r, g, b float64) ink { return ink{rgb: [3]float64{r, g, b}} }

// fill paints s with c over m. Pixel (i, j) has its centre at (i+0.5, j+0.5) and is
// covered by α = clamp(0.5 − d, 0, 1) of the shape, d the signed distance at its
// centre: the area a straight edge at distance d cuts from a unit pixel, to first
// order, so outlines come out anti-aliased instead of stair-stepped.
func fill(m *Image, s shape, c ink) {
	i0, i1 := max(int(math.Floor(s.x0-1)), 0), min(int(math.Ceil(s.x1+1)), m.W)
	j0, j1 := max(int(math.Floor(s.y0-1)), 0), min(int(math.Ceil(s.y1+1)), m.H)
	plane := m.H * m.W
	for j := j0; j < j1; j++ {
		y := float64(j) + 0.5
		for i := i0; i < i1; i++ {
			x := float64(i) + 0.5
			a := min(max(0.5-s.dist(x, y), 0), 1)
			if a == 0 {
				continue
			}
			shade := c.gx*(x-c.cx) + c.gy*(y-c.cy)
			k := j*m.W + i
			for ch := range 3 {
				v := signed(clamp01(c.rgb[ch] + shade))
				old := m.Pix[ch*plane+k]
				m.Pix[ch*plane+k] = old + float32(a)*(v-old)
			}
		}
	}
}

// ellipse is the ellipse of semi-axes rx, ry centred on (cx, cy), turned by angle
// (radians). Its distance is the first-order estimate (k − 1)/|∇k| of the implicit
// function k = √(u²/rx² + v²/ry²) (Taubin, "Distance approximations for rasterizing
// implicit curves", ACM TOG 1994): exact on a circle, close to the outline otherwise,
// which is all the anti-aliasing needs.
func ellipse(cx, cy, rx, ry, angle float64) shape {
	cos, sin := math.Cos(angle), math.Sin(angle)
	r := max(rx, ry)
	return shape{cx - r, cy - r, cx + r, cy + r, func(x, y float64) float64 {
		dx, dy := x-cx, y-cy
		u, v := (cos*dx+sin*dy)/rx, (-sin*dx+cos*dy)/ry
		k := math.Sqrt(u*u + v*v)
		grad := math.Sqrt(u*u/(rx*rx) + v*v/(ry*ry))
		if grad < 1e-9 { // the centre
			return -min(rx, ry)
		}
		return k * (k - 1) / grad
	}}
}

// box is the rectangle of half-width hw and half-height hh centred on (cx, cy), turned
// by angle; its distance is the exact one of a box (Quílez, "2D distance functions",
// iquilezles.org): the length of the outside part plus the inside part.
func box(cx, cy, hw, hh, angle float64) shape {
	cos, sin := math.Cos(angle), math.Sin(angle)
	r := math.Hypot(hw, hh)
	return shape{cx - r, cy - r, cx + r, cy + r, func(x, y float64) float64 {
		dx, dy := x-cx, y-cy
		qx := math.Abs(cos*dx+sin*dy) - hw
		qy := math.Abs(-sin*dx+cos*dy) - hh
		return length(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0)
	}}
}

// triangle is the triangle with corners a, b, c in either winding. Its distance is the
// largest signed distance to the three edge lines: exact inside and along the edges,
// short of the truth only beyond the corners.
func triangle(ax, ay, bx, by, cx, cy float64) shape {
	xs, ys := [3]float64{ax, bx, cx}, [3]float64{ay, by, cy}
	winding := 1.0
	if (bx-ax)*(cy-ay)-(by-ay)*(cx-ax) < 0 {
		winding = -1
	}
	var nx, ny, off [3]float64 // outward unit normals and offsets: d_k = n_k·p − off_k
	for k := range 3 {
		ex, ey := xs[(k+1)%3]-xs[k], ys[(k+1)%3]-ys[k]
		l := math.Hypot(ex, ey)
		if l == 0 {
			l = 1
		}
		nx[k], ny[k] = winding*ey/l, -winding*ex/l
		off[k] = nx[k]*xs[k] + ny[k]*ys[k]
	}
	return shape{min(ax, bx, cx), min(ay, by, cy), max(ax, bx, cx), max(ay, by, cy), func(x, y float64) float64 {
		return max(nx[0]*x+ny[0]*y-off[0], nx[1]*x+ny[1]*y-off[1], nx[2]*x+ny[2]*y-off[2])
	}}
}

// ring is the annulus of mean radius r and the given width around (cx, cy).
func ring(cx, cy, r, width float64) shape {
	o := r + width/2
	return shape{cx - o, cy - o, cx + o, cy + o, func(x, y float64) float64 {
		return math.Abs(length(x-cx, y-cy)-r) - width/2
	}}
}

// arc is the part of ring(cx, cy, r, width) below the line y = cy + cut: a smile when
// cut is a fraction of r.
func arc(cx, cy, r, width, cut float64) shape {
	s := ring(cx, cy, r, width)
	ring := s.dist
	s.dist = func(x, y float64) float64 { return max(ring(x, y), cy+cut-y) }
	return s
}

// length is √(dx² + dy²). math.Hypot also guards against overflow, which distances in
// pixels never need, at several times the cost; this runs for every pixel of a shape.
func length(dx, dy float64) float64 { return math.Sqrt(dx*dx + dy*dy) }
