package toypairs

import (
	"math"
	"math/rand/v2"
)

// An Edit is one concept of the task: a fixed image-to-image function on (3, S, S)
// images with values in [-1, 1], as the generators produce them (tanh output).
type Edit struct {
	Name  string
	Apply func(dst, src []float32, size int)
}

// Edits are the task's concepts: colour edits of several kinds (a sign flip, a
// channel mix, a channel permutation, an affine tone curve) and a geometric one, so
// a base model trained on their mixture has to learn both colour and structure.
var Edits = []Edit{
	{"invert", pixelwise(func(r, g, b float32) (float32, float32, float32) { return -r, -g, -b })},
	{"grayscale", pixelwise(func(r, g, b float32) (float32, float32, float32) {
		y := 0.299*r + 0.587*g + 0.114*b // ITU-R BT.601 luma
		return y, y, y
	})},
	{"swap red and blue", pixelwise(func(r, g, b float32) (float32, float32, float32) { return b, g, r })},
	{"darken", pixelwise(func(r, g, b float32) (float32, float32, float32) {
		return 0.5*r - 0.5, 0.5*g - 0.5, 0.5*b - 0.5
	})},
	{"mirror", mirror},
}

// pixelwise makes an Edit from a function of one pixel's (r, g, b).
func pixelwise(f func(r, g, b float32) (float32, float32, float32)) func(dst, src []float32, size int) {
	return func(dst, src []float32, size int) {
		p := size * size
		for i := range p {
			dst[i], dst[p+i], dst[2*p+i] = f(src[i], src[p+i], src[2*p+i])
		}
	}
}

// mirror flips the image left to right.
func mirror(dst, src []float32, size int) {
	for row := range 3 * size {
		in, out := src[row*size:(row+1)*size], dst[row*size:(row+1)*size]
		for x := range size {
			out[x] = in[size-1-x]
		}
	}
}

// Scene draws a procedural source image into dst (3, size, size), values in [-1, 1]:
// a two-colour linear gradient in a random direction with one to three discs or
// rectangles of random colours on it.
func Scene(rng *rand.Rand, dst []float32, size int) {
	p := size * size
	c0, c1 := colour(rng), colour(rng)
	angle := rng.Float64() * 2 * math.Pi
	dx, dy := math.Cos(angle), math.Sin(angle)
	for y := range size {
		for x := range size {
			// t in [0, 1] along the gradient's direction across the image
			t := 0.5 + 0.5*((float64(x)/float64(size)-0.5)*dx+(float64(y)/float64(size)-0.5)*dy)/0.71
			for ch := range 3 {
				dst[ch*p+y*size+x] = float32((1-t)*c0[ch] + t*c1[ch])
			}
		}
	}
	for range 1 + rng.IntN(3) {
		c := colour(rng)
		cx, cy := rng.Float64()*float64(size), rng.Float64()*float64(size)
		rx, ry := (0.1+0.25*rng.Float64())*float64(size), (0.1+0.25*rng.Float64())*float64(size)
		disc := rng.IntN(2) == 0
		for y := range size {
			for x := range size {
				ux, uy := (float64(x)+0.5-cx)/rx, (float64(y)+0.5-cy)/ry
				inside := math.Abs(ux) <= 1 && math.Abs(uy) <= 1
				if disc {
					inside = ux*ux+uy*uy <= 1
				}
				if inside {
					for ch := range 3 {
						dst[ch*p+y*size+x] = float32(c[ch])
					}
				}
			}
		}
	}
}

func colour(rng *rand.Rand) [3]float64 {
	return [3]float64{rng.Float64()*2 - 1, rng.Float64()*2 - 1, rng.Float64()*2 - 1}
}

// Batch draws n pairs (B, 3, size, size): fresh scenes, each edited by one of edits
// chosen uniformly — the mixture of concepts a base model trains on.
func Batch(rng *rand.Rand, n, size int, edits []Edit) (src, tgt []float32) {
	img := 3 * size * size
	src, tgt = make([]float32, n*img), make([]float32, n*img)
	for i := range n {
		s, t := src[i*img:(i+1)*img], tgt[i*img:(i+1)*img]
		Scene(rng, s, size)
		edits[rng.IntN(len(edits))].Apply(t, s, size)
	}
	return src, tgt
}
