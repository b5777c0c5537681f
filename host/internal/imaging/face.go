package imaging

import "math/rand/v2"

// face draws a face-like structure: an oval head (taller than wide) in a skin-like
// colour, hair over its top in two of three faces, two eyes (white ellipses with dark
// pupils looking slightly aside), brows, a nose (a darker triangle) and a smiling mouth
// arc. The proportions follow the classic drawing canon (Loomis, "Drawing the Head and
// Hands", 1956) loosely: eyes just above half the head's height, about one eye-width
// apart; the nose below them, ending about a third of the way from the eyes to the
// chin; the lowest point of the mouth about a third of the way on from the nose.
func face(m *Image, rng *rand.Rand) {
	s := float64(min(m.W, m.H))
	cx, cy := (0.35+0.3*rng.Float64())*float64(m.W), (0.42+0.16*rng.Float64())*float64(m.H)
	rx := (0.18 + 0.1*rng.Float64()) * s
	ry := rx * (1.15 + 0.2*rng.Float64())

	sr, sg, sb := hsv(15+25*rng.Float64(), 0.25+0.35*rng.Float64(), 0.45+0.5*rng.Float64())
	skin := ink{rgb: [3]float64{sr, sg, sb}, cx: cx, cy: cy, gx: -0.15 / rx, gy: -0.1 / ry}
	hr, hg, hb := hsv(50*rng.Float64(), 0.3+0.5*rng.Float64(), 0.05+0.55*rng.Float64())
	hair := flat(hr, hg, hb)

	if rng.IntN(3) > 0 {
		fill(m, ellipse(cx, cy-0.2*ry, 1.1*rx, 0.95*ry, 0), hair)
	}
	fill(m, ellipse(cx, cy, rx, ry, 0), skin)

	ey := cy - 0.1*ry
	look := 0.06 * rx * (2*rng.Float64() - 1)
	for _, side := range []float64{-1, 1} {
		ex := cx + side*0.38*rx
		fill(m, ellipse(ex, ey, 0.2*rx, 0.12*ry, 0), flat(0.95, 0.95, 0.92))
		fill(m, ellipse(ex+look, ey, 0.09*rx, 0.09*rx, 0), flat(0.08, 0.06, 0.05))
		fill(m, box(ex, ey-0.22*ry, 0.2*rx, max(0.6, 0.03*ry), side*0.15), hair)
	}

	dark := flat(0.75*sr, 0.7*sg, 0.7*sb)
	fill(m, triangle(cx, cy-0.02*ry, cx-0.11*rx, cy+0.3*ry, cx+0.11*rx, cy+0.3*ry), dark)

	lr, lg, lb := hsv(350, 0.5+0.3*rng.Float64(), 0.45+0.3*rng.Float64())
	mr := (0.3 + 0.15*rng.Float64()) * rx
	fill(m, arc(cx, cy+0.55*ry-mr, mr, max(1.2, 0.07*ry), 0.3*mr), flat(lr, lg, lb))
}
