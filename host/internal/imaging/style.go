package imaging

import "math"

// Style edits that redraw the image in another medium: pencil, relief, cartoon, print.

// sketchInk is how dark a Sobel magnitude of 1 draws the pencil line: 0.5 of the way
// to black. The Sobel magnitude of a step is 4× its height (8 for black to white on
// the −1…1 scale), so a clear edge between two objects (a luma step of 0.5, a quarter
// of the range) is drawn black while a gradient across a 64-pixel background (magnitude
// ≈ 0.25) stays a faint grey. Chosen by looking at the contact sheet.
const sketchInk = 0.5

// sketchTo draws a pencil sketch: grey lines where the luma changes, on white paper,
// blended over the image by strength: P = 1 − 2·min(1, sketchInk·|∇Y|) (|∇Y| the Sobel
// magnitude of the BT.601 luma), v' = v + strength·(P − v) on every channel.
func sketchTo(dst, src *Image, strength float64) {
	y := lumaPlane(src)
	g := make([]float32, len(y))
	sobelTo(g, y, src.H, src.W)
	s := float32(strength)
	p := src.H * src.W
	for i := range p {
		pencil := 1 - 2*min(1, sketchInk*g[i])
		for c := range 3 {
			v := src.Pix[c*p+i]
			dst.Pix[c*p+i] = clamp1(v + s*(pencil-v))
		}
	}
}

// embossTo renders the image as a grey relief lit from the top left and blends it in
// by strength: E = clamp(½·K ∗ Y), Y the luma and K = [−1 −1 0; −1 0 1; 0 1 1], the
// lower-right minus the upper-left neighbours: a diagonal derivative, the idea of the
// classic emboss kernels (without their centre tap, which would add the image back),
// so flat areas come out mid-grey; v' = v + strength·(E − v).
func embossTo(dst, src *Image, strength float64) {
	h, w := src.H, src.W
	y := lumaPlane(src)
	at := func(x, yy int) float32 { return y[min(max(yy, 0), h-1)*w+min(max(x, 0), w-1)] }
	s := float32(strength)
	p := h * w
	for j := range h {
		for i := range w {
			e := (at(i+1, j) + at(i, j+1) + at(i+1, j+1)) - (at(i-1, j) + at(i, j-1) + at(i-1, j-1))
			e = clamp1(e / 2)
			for c := range 3 {
				v := src.Pix[c*p+j*w+i]
				dst.Pix[c*p+j*w+i] = v + s*(e-v)
			}
		}
	}
}

// cartoonEdge is the Sobel magnitude (of the σ = 1 smoothed luma, −1…1 scale) where
// cartoon outlines begin; they are black from twice it. After the smoothing a luma
// step s gives a magnitude of about 3.2·s (8 × the Gaussian derivative's peak
// 1/(σ√(2π)) ≈ 0.4), so steps from about ¼ of the range get a line, steps of ½ a
// black one, and gentle gradients (magnitude ≈ 0.25 at 64 pixels) none.
const cartoonEdge = 0.75

// cartoonTo makes a cel-shaded cartoon, a simplified form of Winnemöller et al.,
// "Real-time video abstraction" (SIGGRAPH 2006: Gaussian instead of bilateral
// smoothing, hard per-channel steps instead of soft luminance quantisation, Sobel
// instead of difference-of-Gaussians edges): smooth with a Gaussian (σ = 1) to remove
// texture, posterize each channel to round(levels) values for flat colour areas, and
// draw black outlines where the smoothed luma's Sobel
// magnitude g exceeds cartoonEdge: ink e = clamp(g/cartoonEdge − 1, 0, 1),
// v' = q·(1 − e) − e.
func cartoonTo(dst, src *Image, levels float64) {
	h, w := src.H, src.W
	smooth := &Image{H: h, W: w, Pix: make([]float32, len(src.Pix))}
	gaussianTo(smooth.Pix, src.Pix, h, w, 1)
	g := make([]float32, h*w)
	sobelTo(g, lumaPlane(smooth), h, w)
	posterizeTo(dst, smooth, levels)
	p := h * w
	for i := range p {
		e := min(max(g[i]/cartoonEdge-1, 0), 1)
		for c := range 3 {
			dst.Pix[c*p+i] = dst.Pix[c*p+i]*(1-e) - e
		}
	}
}

// screenAngles are the halftone screen angles of the red, green and blue channels,
// whose dots stand for the cyan, magenta and yellow inks that absorb them: the
// conventional screen angles of four-colour offset printing, 15°, 75° and 0°, set
// apart so that the three dot grids form small rosettes rather than coarse moiré.
var screenAngles = [3]float64{15, 75, 0}

// halftoneTo screens the image into dots as a colour printer does (amplitude-modulated
// halftone; Ulichney, "Digital Halftoning", MIT Press 1987). Each channel has its own
// square grid of cells n = round(cell) pixels wide, turned by its screen angle; in each
// cell it draws a dark dot whose area is the channel's darkness d = 1 − u at the cell
// centre, radius n·√(d/π), on white, the edge anti-aliased over one pixel. The
// darkness is read from the image smoothed by a Gaussian of σ = n/√12, the standard
// deviation of an n-wide box, as a stand-in for the mean over the turned cell.
func halftoneTo(dst, src *Image, cell float64) {
	n := math.Round(cell)
	h, w := src.H, src.W
	p := h * w
	smooth := &Image{H: h, W: w, Pix: make([]float32, len(src.Pix))}
	gaussianTo(smooth.Pix, src.Pix, h, w, n/math.Sqrt(12))
	for c, degrees := range screenAngles {
		sin, cos := math.Sincos(degrees * math.Pi / 180)
		tone := smooth.Pix[c*p : (c+1)*p]
		out := dst.Pix[c*p : (c+1)*p]
		for y := range h {
			for x := range w {
				px, py := float64(x)+0.5, float64(y)+0.5
				u, v := cos*px+sin*py, -sin*px+cos*py // screen coordinates
				cu, cv := (math.Floor(u/n)+0.5)*n, (math.Floor(v/n)+0.5)*n
				// the cell centre back in pixel coordinates, to read the tone there
				sx, sy := cos*cu-sin*cv-0.5, sin*cu+cos*cv-0.5
				ix := min(max(int(math.Round(sx)), 0), w-1)
				iy := min(max(int(math.Round(sy)), 0), h-1)
				dark := 1 - clamp01(float64(tone[iy*w+ix]+1)/2)
				d := length(u-cu, v-cv) - n*math.Sqrt(dark/math.Pi)
				out[y*w+x] = signed(1 - clamp01(0.5-d)) // 1 − the dot's coverage of the pixel
			}
		}
	}
}
