package imaging

import (
	"math"
	"math/rand/v2"
)

// faceChance is the share of scenes with a face-like structure: the paper's third
// prompt category edits faces (its running example is "Grey hair"; Gong et al., ECCV
// 2024), so a good part of the sources have one, while most stay plain shapes so that
// edits are learnt on varied content.
const faceChance = 0.35

// Scene draws a size×size procedural source image from rng: a background (a linear or
// radial gradient, stripes, a checkerboard or value noise, each mixing two random
// colours), one to four objects (ellipses, rectangles, triangles, rings; random
// colours, sizes, angles and shading) and, in faceChance of the scenes, a face-like
// structure on top (head, hair, eyes, brows, nose, mouth). The same rng state gives the
// same scene.
func Scene(rng *rand.Rand, size int) *Image {
	m := New(size, size)
	SceneTo(m, rng)
	return m
}

// SceneTo draws a scene as Scene does into dst, any H×W, overwriting every pixel, so
// that a caller making many scenes can reuse one image.
func SceneTo(dst *Image, rng *rand.Rand) {
	background(dst, rng)
	withFace := rng.Float64() < faceChance
	objects := 1 + rng.IntN(4)
	if withFace {
		objects = rng.IntN(3) // the face is the main subject; fewer objects around it
	}
	for range objects {
		object(dst, rng)
	}
	if withFace {
		face(dst, rng)
	}
}

// randomColour draws a colour in [0, 1]³ through HSV so that hues spread evenly and
// very dark (value < 0.15) colours, which all look alike, are avoided.
func randomColour(rng *rand.Rand) [3]float64 {
	r, g, b := hsv(360*rng.Float64(), 0.2+0.8*rng.Float64(), 0.15+0.85*rng.Float64())
	return [3]float64{r, g, b}
}

// background fills m with two random colours mixed by a pattern t(x, y) ∈ [0, 1].
func background(m *Image, rng *rand.Rand) {
	a, b := randomColour(rng), randomColour(rng)
	var t func(x, y float64) float64
	switch rng.IntN(5) {
	case 0:
		t = linearGradient(m, rng)
	case 1:
		t = radialGradient(m, rng)
	case 2:
		t = stripes(m, rng)
	case 3:
		t = checker(m, rng)
	default:
		t = valueNoise(m, rng)
	}
	plane := m.H * m.W
	for j := range m.H {
		for i := range m.W {
			w := t(float64(i)+0.5, float64(j)+0.5)
			for ch := range 3 {
				m.Pix[ch*plane+j*m.W+i] = signed(a[ch] + w*(b[ch]-a[ch]))
			}
		}
	}
}

// linearGradient runs from 0 to 1 across the image in a random direction θ:
// t = ½ + ((x/W − ½)cos θ + (y/H − ½)sin θ)/(|cos θ| + |sin θ|), which reaches 0 and 1
// exactly at two corners.
func linearGradient(m *Image, rng *rand.Rand) func(x, y float64) float64 {
	theta := 2 * math.Pi * rng.Float64()
	cos, sin := math.Cos(theta), math.Sin(theta)
	norm := math.Abs(cos) + math.Abs(sin)
	w, h := float64(m.W), float64(m.H)
	return func(x, y float64) float64 {
		return 0.5 + ((x/w-0.5)*cos+(y/h-0.5)*sin)/norm
	}
}

// radialGradient is t = min(1, r/R) around a random centre, R between half and the
// whole of the image's smaller side.
func radialGradient(m *Image, rng *rand.Rand) func(x, y float64) float64 {
	cx, cy := rng.Float64()*float64(m.W), rng.Float64()*float64(m.H)
	r := (0.5 + 0.5*rng.Float64()) * float64(min(m.W, m.H))
	return func(x, y float64) float64 { return min(length(x-cx, y-cy)/r, 1) }
}

// stripes are parallel bands of period P (8 % to 25 % of the smaller side) at a random
// angle. Along the stripe normal s, the triangle wave τ = |2·frac(s/P) − 1| falls and
// rises by 2/P a pixel, so (τ − ½)·P/2 is the distance to a band edge in pixels and
// t = clamp(½ + (τ − ½)·P/2) is a square wave with one-pixel anti-aliased edges.
func stripes(m *Image, rng *rand.Rand) func(x, y float64) float64 {
	theta := math.Pi * rng.Float64()
	cos, sin := math.Cos(theta), math.Sin(theta)
	p := (0.08 + 0.17*rng.Float64()) * float64(min(m.W, m.H))
	return func(x, y float64) float64 {
		return clamp01(0.5 + (triangleWave((x*cos+y*sin)/p)-0.5)*p/2)
	}
}

// checker is a checkerboard of cells P wide (10 % to 30 % of the smaller side) turned
// by a random angle: the product of two anti-aliased square waves in ±1 (as in
// stripes) along the rotated axes, mapped to [0, 1].
func checker(m *Image, rng *rand.Rand) func(x, y float64) float64 {
	theta := math.Pi / 2 * rng.Float64()
	cos, sin := math.Cos(theta), math.Sin(theta)
	p := (0.1 + 0.2*rng.Float64()) * float64(min(m.W, m.H))
	square := func(s float64) float64 { return min(max((triangleWave(s/p)-0.5)*p, -1), 1) }
	return func(x, y float64) float64 {
		return 0.5 + 0.5*square(x*cos+y*sin)*square(-x*sin+y*cos)
	}
}

// triangleWave is |2·frac(s) − 1|: 1 at integers, 0 half-way between.
func triangleWave(s float64) float64 { return math.Abs(2*(s-math.Floor(s)) - 1) }

// valueNoise is two octaves of value noise (Perlin, "An image synthesizer", SIGGRAPH
// 1985, with values instead of gradients at the lattice): random values on a lattice of
// g = 3…6 cells across the image and on one of 2g cells, weighted 0.65 and 0.35,
// interpolated with the smoothstep 3u² − 2u³ between nodes. The sum clusters around ½,
// so it is stretched by 1.8 around ½ (and clamped) to use both colours fully.
func valueNoise(m *Image, rng *rand.Rand) func(x, y float64) float64 {
	g := 3 + rng.IntN(4)
	coarse, fine := newLattice(rng, g), newLattice(rng, 2*g)
	sx, sy := float64(g)/float64(m.W), float64(g)/float64(m.H)
	return func(x, y float64) float64 {
		n := 0.65*coarse.at(x*sx, y*sy) + 0.35*fine.at(2*x*sx, 2*y*sy)
		return clamp01(0.5 + 1.8*(n-0.5))
	}
}

// lattice holds random values in [0, 1] at the (n+1)² nodes of an n×n grid.
type lattice struct {
	n int
	v []float64
}

func newLattice(rng *rand.Rand, n int) lattice {
	l := lattice{n: n, v: make([]float64, (n+1)*(n+1))}
	for k := range l.v {
		l.v[k] = rng.Float64()
	}
	return l
}

// at interpolates the lattice at (u, v) ∈ [0, n]² with smoothstep weights.
func (l lattice) at(u, v float64) float64 {
	i, j := min(int(u), l.n-1), min(int(v), l.n-1)
	fu, fv := smoothstep(u-float64(i)), smoothstep(v-float64(j))
	row0, row1 := l.v[j*(l.n+1)+i:], l.v[(j+1)*(l.n+1)+i:]
	top := row0[0] + fu*(row0[1]-row0[0])
	bottom := row1[0] + fu*(row1[1]-row1[0])
	return top + fv*(bottom-top)
}

// smoothstep is 3u² − 2u³ for u ∈ [0, 1].
func smoothstep(u float64) float64 { return u * u * (3 - 2*u) }

// object draws one random foreground object: an ellipse, a rectangle, a triangle or a
// ring, 8 % to 28 % of the smaller side in radius, anywhere in the image (partly
// outside is fine: real photos crop objects too), in a random colour shaded by up to
// ±0.4 across its radius.
func object(m *Image, rng *rand.Rand) {
	s := float64(min(m.W, m.H))
	cx, cy := rng.Float64()*float64(m.W), rng.Float64()*float64(m.H)
	r := (0.08 + 0.2*rng.Float64()) * s
	angle := math.Pi * rng.Float64()
	light, strength := 2*math.Pi*rng.Float64(), 0.4*rng.Float64()/r
	c := ink{rgb: randomColour(rng), cx: cx, cy: cy, gx: strength * math.Cos(light), gy: strength * math.Sin(light)}
	switch rng.IntN(4) {
	case 0:
		fill(m, ellipse(cx, cy, r, r*(0.6+0.4*rng.Float64()), angle), c)
	case 1:
		fill(m, box(cx, cy, r, r*(0.4+0.6*rng.Float64()), angle), c)
	case 2:
		var xs, ys [3]float64
		for k := range 3 { // corners roughly a third of a turn apart, at jittered radii
			a := angle + 2*math.Pi*float64(k)/3 + 0.5*(rng.Float64()-0.5)
			rk := r * (0.8 + 0.4*rng.Float64())
			xs[k], ys[k] = cx+rk*math.Cos(a), cy+rk*math.Sin(a)
		}
		fill(m, triangle(xs[0], ys[0], xs[1], ys[1], xs[2], ys[2]), c)
	default:
		fill(m, ring(cx, cy, r, max(1.5, r*(0.2+0.3*rng.Float64()))), c)
	}
}
