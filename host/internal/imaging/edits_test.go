package imaging

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// testScenes returns n scenes of h×w from a fixed seed, drawn with SceneTo so that
// non-square sizes are covered too.
func testScenes(n, h, w int) []*Image {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]*Image, n)
	for i := range out {
		out[i] = New(h, w)
		SceneTo(out[i], rng)
	}
	return out
}

func apply(t *testing.T, src *Image, steps ...Step) *Image {
	t.Helper()
	out, err := Apply(src, steps)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func step(edit string, kv ...any) Step {
	s := Step{Edit: edit}
	if len(kv) > 0 {
		s.Params = map[string]float64{}
		for i := 0; i < len(kv); i += 2 {
			s.Params[kv[i].(string)] = kv[i+1].(float64)
		}
	}
	return s
}

func TestSpecs(t *testing.T) {
	specs := Specs()
	if len(specs) < 27 {
		t.Errorf("%d edits, want 27 at least (the pairs stage's variety)", len(specs))
	}
	names, phrases := map[string]bool{}, map[string]string{}
	for _, s := range specs {
		if s.Name == "" || names[s.Name] {
			t.Errorf("edit name %q empty or repeated", s.Name)
		}
		names[s.Name] = true
		if s.Category != Style && s.Category != Tone && s.Category != Structure {
			t.Errorf("%s: category %q", s.Name, s.Category)
		}
		if s.Doc == "" {
			t.Errorf("%s: no Doc", s.Name)
		}
		if len(s.Phrases) < 3 {
			t.Errorf("%s: %d phrases, want ≥ 3", s.Name, len(s.Phrases))
		}
		for _, p := range s.Phrases {
			key := strings.ToLower(strings.Join(strings.Fields(p), " "))
			if other, dup := phrases[key]; dup {
				t.Errorf("phrase %q of %s repeats one of %s", p, s.Name, other)
			}
			phrases[key] = s.Name
			if strings.ContainsAny(p, "0123456789") && !strings.Contains(p, "8-bit") {
				t.Errorf("%s: phrase %q holds a number; phrases carry no parameter values", s.Name, p)
			}
		}
		params := map[string]bool{}
		for _, p := range s.Params {
			if p.Name == "" || params[p.Name] || !(p.Min < p.Max) || p.Grows < Up || p.Grows > Variant {
				t.Errorf("%s: parameter %+v empty, repeated, with Min ≥ Max or an unknown Grows", s.Name, p)
			}
			params[p.Name] = true
		}
		got, ok := Lookup(s.Name)
		if !ok || got.Name != s.Name || !slices.Equal(got.Phrases, s.Phrases) {
			t.Errorf("Lookup(%q) = %+v, %v", s.Name, got, ok)
		}
	}
	if _, ok := Lookup("no_such_edit"); ok {
		t.Error("Lookup found an unknown edit")
	}
	specs[0].Phrases[0], specs[0].Params = "changed", nil // the table must not see this
	if again := Specs(); again[0].Phrases[0] == "changed" || len(again[0].Params) == 0 {
		t.Error("Specs returned the table's own slices")
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		step  Step
		words []string // the error must name these
	}{
		{step("no_such_edit"), []string{`"no_such_edit"`}},
		{step("sepia", "strength", 0.5, "colour", 1.0), []string{`"sepia"`, `"colour"`}},
		{step("sepia", "strength", 1.5), []string{`"sepia"`, `"strength"`}},
		{step("sepia", "strength", math.NaN()), []string{`"sepia"`, `"strength"`}},
		{step("sepia"), []string{`"sepia"`, `"strength"`}},
		{step("tint", "hue", 90.0), []string{`"tint"`, `"strength"`}},
		{step("wave", "amplitude", 0.05, "frequency", 0.5), []string{`"wave"`, `"frequency"`}},
		{step("mirror", "amount", 1.0), []string{`"mirror"`, `"amount"`}},
	} {
		err := c.step.Validate()
		if err == nil {
			t.Errorf("%+v: no error", c.step)
			continue
		}
		for _, w := range c.words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q does not name %s", c.step, err, w)
			}
		}
	}
	for _, s := range Specs() {
		for _, f := range []float64{0, 0.5, 1} {
			if err := stepAt(s, f).Validate(); err != nil {
				t.Errorf("%s at %v of its ranges: %v", s.Name, f, err)
			}
		}
	}
}

func TestApplyChecksStepsFirst(t *testing.T) {
	src := testScenes(1, 8, 8)[0]
	_, err := Apply(src, []Step{step("invert"), step("blur", "radius", 9.0)})
	if err == nil || !strings.Contains(err.Error(), "step 2") || !strings.Contains(err.Error(), `"radius"`) {
		t.Errorf("error %v, want one naming step 2 and its parameter", err)
	}
	out := apply(t, src)
	if &out.Pix[0] == &src.Pix[0] || !slices.Equal(out.Pix, src.Pix) {
		t.Error("no steps: want an equal copy")
	}
}

// TestEveryEditKeepsRangeAndSize: on square and non-square scenes, at both ends and
// the middle of every parameter range, each edit returns an image of the right size
// with values in [-1, 1], and leaves its input alone.
func TestEveryEditKeepsRangeAndSize(t *testing.T) {
	for _, hw := range [][2]int{{32, 32}, {24, 40}} {
		scenes := testScenes(4, hw[0], hw[1])
		for _, s := range Specs() {
			for _, f := range []float64{0, 0.5, 1} {
				st := stepAt(s, f)
				for _, src := range scenes {
					before := slices.Clone(src.Pix)
					out := apply(t, src, st)
					h, w := src.H, src.W
					if s.Name == "rotate90" && int(math.Round(st.Params["turns"]))%2 == 1 {
						h, w = w, h
					}
					if out.H != h || out.W != w || len(out.Pix) != 3*h*w {
						t.Fatalf("%+v on %d×%d: %d×%d with %d values", st, src.W, src.H, out.W, out.H, len(out.Pix))
					}
					for i, v := range out.Pix {
						if !(v >= -1 && v <= 1) {
							t.Fatalf("%+v: value %d is %v", st, i, v)
						}
					}
					if !slices.Equal(src.Pix, before) {
						t.Fatalf("%+v changed its input", st)
					}
				}
			}
		}
	}
}

// tiny is a 2×3 image (H = 2, W = 3) whose every value is distinct: R = 0.0…0.5,
// G = −0.1…−0.6, B = 0.9, 0.7, …, −0.1.
func tiny() *Image {
	m := New(2, 3)
	for i := range 6 {
		m.Pix[i] = float32(i) / 10
		m.Pix[6+i] = -float32(i+1) / 10
		m.Pix[12+i] = 0.9 - float32(2*i)/10
	}
	return m
}

func TestHandCheckedEdits(t *testing.T) {
	src := tiny()
	check := func(name string, got *Image, h, w int, want []float32) {
		t.Helper()
		if got.H != h || got.W != w {
			t.Errorf("%s: %d×%d, want %d×%d", name, got.W, got.H, w, h)
		}
		for i := range want {
			if math.Abs(float64(got.Pix[i]-want[i])) > 1e-6 {
				t.Errorf("%s: values %v, want %v", name, got.Pix, want)
				return
			}
		}
	}
	r, g, b := src.Pix[:6], src.Pix[6:12], src.Pix[12:]
	var neg, gray []float32
	for _, v := range src.Pix {
		neg = append(neg, -v)
	}
	for i := range 6 {
		gray = append(gray, 0.299*r[i]+0.587*g[i]+0.114*b[i])
	}
	check("invert", apply(t, src, step("invert")), 2, 3, neg)
	check("grayscale", apply(t, src, step("grayscale")), 2, 3, slices.Concat(gray, gray, gray))

	// Pixel values by position, per channel: rows (0 1 2 / 3 4 5) of the plane.
	perm := func(order ...int) []float32 {
		var out []float32
		for _, plane := range [][]float32{r, g, b} {
			for _, k := range order {
				out = append(out, plane[k])
			}
		}
		return out
	}
	check("mirror", apply(t, src, step("mirror")), 2, 3, perm(2, 1, 0, 5, 4, 3))
	check("flip", apply(t, src, step("flip")), 2, 3, perm(3, 4, 5, 0, 1, 2))
	// A quarter turn counter-clockwise: the right column becomes the top row.
	check("rotate90 1", apply(t, src, step("rotate90", "turns", 1.0)), 3, 2, perm(2, 5, 1, 4, 0, 3))
	check("rotate90 2", apply(t, src, step("rotate90", "turns", 2.0)), 2, 3, perm(5, 4, 3, 2, 1, 0))
	check("rotate90 3", apply(t, src, step("rotate90", "turns", 3.0)), 3, 2, perm(3, 0, 4, 1, 5, 2))
	four := apply(t, src, step("rotate90", "turns", 3.0), step("rotate90", "turns", 1.0))
	check("rotate90 3+1", four, 2, 3, src.Pix)

	// threshold at 0: luma of (R, G, B) = (0.5, −0.6, −0.1) is −0.218 → black;
	// at −0.25 it turns white.
	for _, c := range []struct {
		level float64
		want  float32
	}{{0, -1}, {-0.25, 1}} {
		out := apply(t, src, step("threshold", "level", c.level))
		if out.Pix[5] != c.want || out.Pix[11] != c.want || out.Pix[17] != c.want {
			t.Errorf("threshold %v: pixel 5 is %v %v %v, want %v", c.level, out.Pix[5], out.Pix[11], out.Pix[17], c.want)
		}
	}
	for _, v := range apply(t, testScenes(1, 32, 32)[0], step("threshold", "level", 0.1)).Pix {
		if v != -1 && v != 1 {
			t.Fatalf("threshold value %v, want ±1", v)
		}
	}
}

// TestPosterizeLevels: a ramp through the whole range keeps exactly n values, the
// evenly spaced −1, −1 + 2/(n−1), …, 1.
func TestPosterizeLevels(t *testing.T) {
	ramp := New(1, 101)
	for i := range ramp.Pix {
		ramp.Pix[i] = float32(i%101)/50 - 1
	}
	for n := 2; n <= 8; n++ {
		out := apply(t, ramp, step("posterize", "levels", float64(n)))
		seen := map[float32]bool{}
		for _, v := range out.Pix {
			seen[v] = true
			k := float64(v+1) / 2 * float64(n-1)
			if math.Abs(k-math.Round(k)) > 1e-5 {
				t.Fatalf("levels %d: value %v off the grid", n, v)
			}
		}
		if len(seen) != n {
			t.Errorf("levels %d: %d distinct values", n, len(seen))
		}
	}
}

// TestIdentities: parameters that make an edit do nothing return the input.
func TestIdentities(t *testing.T) {
	for _, st := range []Step{
		step("hue_rotate", "degrees", 0.0),
		step("saturate", "factor", 1.0),
		step("desaturate", "factor", 1.0),
		step("high_contrast", "factor", 1.0),
		step("low_contrast", "factor", 1.0),
		step("brighten", "delta", 0.0),
		step("darken", "delta", 0.0),
		step("gamma", "gamma", 1.0),
		step("zoom", "factor", 1.0),
		step("sepia", "strength", 0.0),
		step("tint", "hue", 200.0, "strength", 0.0),
		step("sketch", "strength", 0.0),
		step("emboss", "strength", 0.0),
		step("sharpen", "amount", 0.0),
		step("vignette", "strength", 0.0),
		step("noise_grain", "amount", 0.0),
		step("swirl", "angle", 0.0),
		step("wave", "amplitude", 0.0, "frequency", 3.0),
		step("fisheye", "strength", 0.0),
		step("mirror"), // twice, below
	} {
		for _, src := range testScenes(3, 24, 40) {
			out := apply(t, src, st)
			if st.Edit == "mirror" {
				out = apply(t, out, st)
			}
			for i := range src.Pix {
				if math.Abs(float64(out.Pix[i]-src.Pix[i])) > 1e-6 {
					t.Errorf("%+v: value %d is %v, input %v", st, i, out.Pix[i], src.Pix[i])
					break
				}
			}
		}
	}
}

// TestEditsChangeTheImage: at 0.8 of its strength every edit changes a scene
// noticeably (mean absolute change above 0.02 on the −1…1 scale), so none is a no-op
// by mistake.
func TestEditsChangeTheImage(t *testing.T) {
	src := testScenes(1, 64, 64)[0]
	for _, s := range Specs() {
		out := apply(t, src, stepAt(s, 0.8))
		if out.H != src.H {
			continue // a quarter turn; TestHandCheckedEdits covers it
		}
		var sum float64
		for i := range src.Pix {
			sum += math.Abs(float64(out.Pix[i] - src.Pix[i]))
		}
		if mean := sum / float64(len(src.Pix)); mean < 0.02 {
			t.Errorf("%s at 0.8 of its ranges: mean change %.4f", s.Name, mean)
		}
	}
}

// TestStrongerChangesMore checks each parameter's Grows: at 0.85 of its strength an
// edit changes scenes more (mean absolute change) than at 0.25, so that the concept
// catalogue's "strong" is stronger than its "subtle".
func TestStrongerChangesMore(t *testing.T) {
	scenes := testScenes(4, 48, 48)
	change := func(st Step) float64 {
		var sum float64
		for _, src := range scenes {
			out := apply(t, src, st)
			for i := range src.Pix {
				sum += math.Abs(float64(out.Pix[i] - src.Pix[i]))
			}
		}
		return sum
	}
	for _, s := range Specs() {
		if !slices.ContainsFunc(s.Params, func(p ParamSpec) bool { return p.Grows != Variant }) {
			continue
		}
		if weak, strong := change(stepAt(s, 0.25)), change(stepAt(s, 0.85)); strong <= weak {
			t.Errorf("%s: change %.1f at 0.85 of its strength, not more than %.1f at 0.25", s.Name, strong, weak)
		}
	}
}

// TestBlurSmoothsAndSharpenSteepens checks the two filters on a vertical step edge:
// blur flattens it, keeping the mean; sharpen overshoots on both sides.
func TestBlurSmoothsAndSharpenSteepens(t *testing.T) {
	edge := New(8, 16)
	for i := range edge.Pix {
		if i%16 >= 8 {
			edge.Pix[i] = 0.5
		} else {
			edge.Pix[i] = -0.5
		}
	}
	blurred := apply(t, edge, step("blur", "radius", 2.0))
	if v := blurred.At(0, 7, 4); v >= -0.05 || v <= -0.5 {
		t.Errorf("blur: left of the edge %v, want between −0.5 and 0", v)
	}
	var sum float32
	for _, v := range blurred.Pix {
		sum += v
	}
	if math.Abs(float64(sum)) > 1e-3 {
		t.Errorf("blur: mean moved to %v", sum/float32(len(blurred.Pix)))
	}
	sharp := apply(t, edge, step("sharpen", "amount", 1.0))
	if sharp.At(0, 7, 4) >= -0.5 || sharp.At(0, 8, 4) <= 0.5 {
		t.Errorf("sharpen: %v | %v at the edge, want overshoot beyond ∓0.5", sharp.At(0, 7, 4), sharp.At(0, 8, 4))
	}
}

// TestGammaCurve: the tabulated curve stays within 3·10⁻⁵ (on the 0…1 scale) of
// u^(1/gamma) at the ends and the middle of gamma's range.
func TestGammaCurve(t *testing.T) {
	ramp := New(1, 4001)
	for i := range 4001 {
		for c := range 3 {
			ramp.Pix[c*4001+i] = float32(i)/2000 - 1
		}
	}
	for _, g := range []float64{1, 1.3, 1.6, 2, 2.5} {
		out := apply(t, ramp, step("gamma", "gamma", g))
		for i, v := range out.Pix {
			u := float64(ramp.Pix[i]+1) / 2
			if d := math.Abs(float64(v+1)/2 - math.Pow(u, 1/g)); d > 3e-5 {
				t.Fatalf("gamma %v at u = %v: off by %.2g", g, u, d)
			}
		}
	}
}
