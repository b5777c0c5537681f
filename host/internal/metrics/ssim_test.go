package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"dnw/sdk/ext"
)

// uniformImages draws n images of c×h×w uniform in [-1, 1].
func uniformImages(rng *rand.Rand, n, c, h, w int) ext.Images {
	im := ext.Images{N: n, C: c, H: h, W: w, Pix: make([]float32, n*c*h*w)}
	for i := range im.Pix {
		im.Pix[i] = 2*rng.Float32() - 1
	}
	return im
}

// constantImages is n images of c×h×w, every value v.
func constantImages(n, c, h, w int, v float32) ext.Images {
	im := ext.Images{N: n, C: c, H: h, W: w, Pix: make([]float32, n*c*h*w)}
	for i := range im.Pix {
		im.Pix[i] = v
	}
	return im
}

func TestSSIMOfIdenticalImagesIsOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, shape := range [][4]int{{2, 3, 32, 32}, {1, 3, 11, 11}, {3, 1, 5, 8}, {1, 1, 1, 1}} {
		im := uniformImages(rng, shape[0], shape[1], shape[2], shape[3])
		if got := SSIM(im, im); math.Abs(got-1) > 1e-12 {
			t.Errorf("%v: SSIM(x, x) = %v, want 1", shape, got)
		}
	}
}

func TestSSIMOfConstantImages(t *testing.T) {
	// No variance anywhere: SSIM = (2ab + C1)/(a² + b² + C1), a and b the values
	// mapped to [0, 1].
	for _, c := range []struct{ p, q float32 }{{-1, 1}, {0, 0.5}, {0.2, -0.6}} {
		a, b := (float64(c.p)+1)/2, (float64(c.q)+1)/2
		want := (2*a*b + 1e-4) / (a*a + b*b + 1e-4)
		got := SSIM(constantImages(2, 3, 16, 16, c.p), constantImages(2, 3, 16, 16, c.q))
		if math.Abs(got-want) > 1e-6 {
			t.Errorf("constants %v, %v: SSIM = %v, want %v", c.p, c.q, got, want)
		}
	}
}

// TestSSIMOfOneWindow checks SSIM on 11×11 images, one window position, against
// the paper's formula written out with the 2-D window directly (no separable
// filtering).
func TestSSIMOfOneWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x, y := uniformImages(rng, 1, 1, 11, 11), uniformImages(rng, 1, 1, 11, 11)
	var w [11][11]float64
	sum := 0.0
	for i := range 11 {
		for j := range 11 {
			w[i][j] = math.Exp(-float64((i-5)*(i-5)+(j-5)*(j-5)) / (2 * 1.5 * 1.5))
			sum += w[i][j]
		}
	}
	var mx, my, sxx, syy, sxy float64
	for i := range 11 {
		for j := range 11 {
			a, b := (float64(x.Pix[i*11+j])+1)/2, (float64(y.Pix[i*11+j])+1)/2
			k := w[i][j] / sum
			mx, my, sxx, syy, sxy = mx+k*a, my+k*b, sxx+k*a*a, syy+k*b*b, sxy+k*a*b
		}
	}
	c1, c2 := 0.01*0.01, 0.03*0.03
	want := (2*mx*my + c1) * (2*(sxy-mx*my) + c2) / ((mx*mx + my*my + c1) * (sxx - mx*mx + syy - my*my + c2))
	if got := SSIM(x, y); math.Abs(got-want) > 1e-12 {
		t.Errorf("SSIM = %v, want %v", got, want)
	}
	if got := SSIM(y, x); math.Abs(got-want) > 1e-12 {
		t.Errorf("SSIM is not symmetric: %v, want %v", got, want)
	}
}

func TestSSIMFallsWithNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	target := uniformImages(rng, 2, 3, 24, 24)
	last := 1.0
	for _, amp := range []float32{0.05, 0.2, 0.8} {
		pred := target
		pred.Pix = make([]float32, len(target.Pix))
		for i, v := range target.Pix {
			pred.Pix[i] = max(-1, min(1, v+amp*(2*rng.Float32()-1)))
		}
		got := SSIM(pred, target)
		if got >= last || got <= -1 {
			t.Errorf("noise %v: SSIM %v, after %v at less noise", amp, got, last)
		}
		last = got
	}
}

func TestSSIMWindowSize(t *testing.T) {
	for _, c := range [][3]int{{64, 64, 11}, {11, 30, 11}, {10, 12, 9}, {30, 8, 7}, {2, 2, 1}, {1, 1, 1}} {
		if got := ssimWindowSize(c[0], c[1]); got != c[2] {
			t.Errorf("window for %d×%d: %d, want %d", c[0], c[1], got, c[2])
		}
	}
	g := ssimGaussian(11)
	if math.Abs(g[5]/g[4]-math.Exp(1/(2*1.5*1.5))) > 1e-12 || g[0] != g[10] {
		t.Errorf("gaussian: %v", g)
	}
}

func TestSSIMPanicsOnMismatchedShapes(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	SSIM(constantImages(1, 3, 8, 8, 0), constantImages(1, 3, 8, 9, 0))
}
