package conceptdirs

import (
	"image"
	"image/color"
	"math"
	"runtime"
	"slices"
	"testing"

	"dnw/host/internal/imaging"
)

// pattern returns a w×h image whose red level at (x, y) is 10·x + 60·y, green 255 −
// red and blue 7.
func pattern(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			r := uint8(10*x + 60*y)
			m.SetRGBA(x, y, color.RGBA{r, 255 - r, 7, 255})
		}
	}
	return m
}

// lv is imaging.FromGo's value of the 8-bit level v.
func lv(v float64) float32 { return float32(v*257/32767.5 - 1) }

func near(a, b float32) bool { return math.Abs(float64(a-b)) < 1e-5 }

func checkPlane(t *testing.T, what string, m *imaging.Image, c int, want []float32) {
	t.Helper()
	n := m.H * m.W
	got := m.Pix[c*n : (c+1)*n]
	for i := range want {
		if !near(got[i], want[i]) {
			t.Errorf("%s: channel %d = %v, want %v", what, c, got, want)
			return
		}
	}
}

func TestSquareCentreCrop(t *testing.T) {
	// 4×2: the centre square is columns 1–2. Red levels:
	//   0  10  20  30
	//  60  70  80  90
	m := square(pattern(4, 2), 2)
	checkPlane(t, "4×2→2", m, 0, []float32{lv(10), lv(20), lv(70), lv(80)})
	checkPlane(t, "4×2→2", m, 1, []float32{lv(245), lv(235), lv(185), lv(175)})
	checkPlane(t, "4×2→2", m, 2, []float32{lv(7), lv(7), lv(7), lv(7)})

	// Portrait 2×4: rows 1–2.
	checkPlane(t, "2×4→2", square(pattern(2, 4), 2), 0, []float32{lv(60), lv(70), lv(120), lv(130)})

	// Odd leftover 5×3: (5−3)/2 = 1, so columns 1–3.
	checkPlane(t, "5×3→3", square(pattern(5, 3), 3), 0,
		[]float32{lv(10), lv(20), lv(30), lv(70), lv(80), lv(90), lv(130), lv(140), lv(150)})

	// A bounds origin away from (0, 0) (a SubImage) crops the same.
	sub := pattern(6, 4).SubImage(image.Rect(1, 1, 5, 3))
	checkPlane(t, "sub 4×2→2", square(sub, 2), 0, []float32{lv(80), lv(90), lv(140), lv(150)})
}

func TestSquareShrinkAveragesAreas(t *testing.T) {
	// 4×2 → 1: the mean of the centre square.
	checkPlane(t, "4×2→1", square(pattern(4, 2), 1), 0, []float32{lv((10 + 20 + 70 + 80) / 4.0)})

	// 3×3 → 2: output 0 covers source [0, 1.5): weights 2/3, 1/3; output 1 the mirror.
	src := imaging.FromGo(pattern(3, 3))
	m := square(pattern(3, 3), 2)
	w := [2][3]float64{{2. / 3, 1. / 3, 0}, {0, 1. / 3, 2. / 3}}
	var want []float32
	for oy := range 2 {
		for ox := range 2 {
			var v float64
			for y := range 3 {
				for x := range 3 {
					v += w[oy][y] * w[ox][x] * float64(src.At(0, x, y))
				}
			}
			want = append(want, float32(v))
		}
	}
	checkPlane(t, "3×3→2", m, 0, want)
}

func TestSquareEnlargeIsBilinear(t *testing.T) {
	// 2 → 4 with centres aligned samples the source at −¼ (clamped to 0), ¼, ¾ and
	// 1¼ (clamped to 1): weights of the second pixel 0, ¼, ¾, 1.
	src := imaging.FromGo(pattern(2, 2))
	m := square(pattern(2, 2), 4)
	f := []float32{0, 0.25, 0.75, 1}
	lerp := func(a, b, t float32) float32 { return a + (b-a)*t }
	var want []float32
	for oy := range 4 {
		for ox := range 4 {
			top := lerp(src.At(0, 0, 0), src.At(0, 1, 0), f[ox])
			bot := lerp(src.At(0, 0, 1), src.At(0, 1, 1), f[ox])
			want = append(want, lerp(top, bot, f[oy]))
		}
	}
	checkPlane(t, "2×2→4", m, 0, want)
}

func TestSquareKeepsNoFullSizeCopy(t *testing.T) {
	// Converting a 2000×2000 image to floats first allocates 48 MB; read a row at a
	// time, square needs the 64×64 output, two rows and the taps: well under 1 MB.
	src := pattern(2000, 2000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m := square(src, 64)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("square of 2000×2000 to 64×64 allocated %d bytes, want < 1 MiB", got)
	}
	if m.W != 64 || m.H != 64 {
		t.Errorf("got %d×%d", m.W, m.H)
	}
}

func TestSquareMatchesFromGo(t *testing.T) {
	// At its own size, square is imaging.FromGo of the centre square, for the
	// image types the decoders return (read through RGBA64At) and others (At).
	gray := image.NewGray16(image.Rect(0, 0, 5, 3))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(37 * i)
	}
	for _, m := range []image.Image{pattern(3, 3), gray.SubImage(image.Rect(1, 0, 4, 3)), onlyAt{pattern(3, 3)}} {
		got, want := square(m, 3), imaging.FromGo(m)
		if !slices.Equal(got.Pix, want.Pix) {
			t.Errorf("%T: square = %v, want FromGo's %v", m, got.Pix, want.Pix)
		}
	}
}

// onlyAt hides RGBA64At.
type onlyAt struct{ image.Image }

func TestTapsSumToOne(t *testing.T) {
	for in := 1; in <= 20; in++ {
		for out := 1; out <= 20; out++ {
			for o, ts := range taps(in, out) {
				var sum float64
				for _, tp := range ts {
					if tp.i < 0 || tp.i >= in || tp.w <= 0 {
						t.Fatalf("taps(%d, %d)[%d] has %+v", in, out, o, tp)
					}
					sum += float64(tp.w)
				}
				if math.Abs(sum-1) > 1e-6 {
					t.Fatalf("taps(%d, %d)[%d] sum to %v", in, out, o, sum)
				}
			}
		}
	}
}

func BenchmarkSquare(b *testing.B) {
	src := pattern(768, 512)
	for b.Loop() {
		square(src, 256)
	}
}
