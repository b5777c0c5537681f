package concepts

import (
	"testing"

	"dnw/host/internal/imaging"
)

// fixtureSpecs is a small edit list of its own, eight edits per category, some without
// parameters, some growing down (posterize) or with variant parameters (rotate, wave), so that these tests do not depend on imaging's edit list. No phrase
// occurs inside another, so a phrase found in a prompt names its edit.
func fixtureSpecs() []imaging.EditSpec {
	p := func(name string, min, max float64) imaging.ParamSpec {
		return imaging.ParamSpec{Name: name, Min: min, Max: max}
	}
	down := func(name string, min, max float64) imaging.ParamSpec {
		return imaging.ParamSpec{Name: name, Min: min, Max: max, Grows: imaging.Down}
	}
	variant := func(name string, min, max float64) imaging.ParamSpec {
		return imaging.ParamSpec{Name: name, Min: min, Max: max, Grows: imaging.Variant}
	}
	return []imaging.EditSpec{
		{Name: "pixelate", Category: imaging.Style, Params: []imaging.ParamSpec{p("block", 2, 16)},
			Phrases: []string{"pixel art", "8-bit pixelated image", "blocky retro game graphics"}},
		{Name: "posterize", Category: imaging.Style, Params: []imaging.ParamSpec{down("levels", 2, 8)},
			Phrases: []string{"screen-printed poster", "flat color poster", "pop art print"}},
		{Name: "sketch", Category: imaging.Style,
			Phrases: []string{"pencil sketch", "charcoal drawing", "hand-drawn line art"}},
		{Name: "oil", Category: imaging.Style, Params: []imaging.ParamSpec{p("radius", 1, 6)},
			Phrases: []string{"oil painting", "impasto canvas", "painted with thick brush strokes"}},
		{Name: "halftone", Category: imaging.Style, Params: []imaging.ParamSpec{p("dot", 2, 10)},
			Phrases: []string{"halftone print", "comic book dots", "newspaper dot pattern"}},
		{Name: "watercolor", Category: imaging.Style, Params: []imaging.ParamSpec{p("bleed", 0, 1), p("grain", 0, 1)},
			Phrases: []string{"watercolor painting", "soft wash aquarelle", "wet paint on paper"}},
		{Name: "mosaic", Category: imaging.Style, Params: []imaging.ParamSpec{p("tile", 4, 24)},
			Phrases: []string{"tile mosaic", "stained glass window", "ceramic tesserae"}},
		{Name: "emboss", Category: imaging.Style, Params: []imaging.ParamSpec{p("depth", 0, 2)},
			Phrases: []string{"embossed metal relief", "raised stamp", "carved relief"}},

		{Name: "sepia", Category: imaging.Tone, Params: []imaging.ParamSpec{p("amount", 0, 1)},
			Phrases: []string{"sepia photograph", "old brown-toned photo", "antique sepia print", "faded nineteenth century photo"}},
		{Name: "grayscale", Category: imaging.Tone, Params: []imaging.ParamSpec{p("amount", 0, 1)},
			Phrases: []string{"black and white photo", "monochrome picture", "grayscale image"}},
		{Name: "invert", Category: imaging.Tone,
			Phrases: []string{"negative film", "inverted colors", "photo negative"}},
		{Name: "warm", Category: imaging.Tone, Params: []imaging.ParamSpec{p("shift", 0, 0.5)},
			Phrases: []string{"warm golden tones", "sunset glow", "orange tinted light"}},
		{Name: "cool", Category: imaging.Tone, Params: []imaging.ParamSpec{p("shift", 0, 0.5)},
			Phrases: []string{"cool blue tones", "icy cast", "cold moonlit hue"}},
		{Name: "contrast", Category: imaging.Tone, Params: []imaging.ParamSpec{p("gain", 1, 3)},
			Phrases: []string{"high contrast", "punchy dramatic lighting", "deep shadows and bright highlights"}},
		{Name: "saturate", Category: imaging.Tone, Params: []imaging.ParamSpec{p("gain", 1, 3)},
			Phrases: []string{"vivid saturated colors", "oversaturated", "bold vibrant palette"}},
		{Name: "vignette", Category: imaging.Tone, Params: []imaging.ParamSpec{p("amount", 0, 1), p("radius", 0.3, 1)},
			Phrases: []string{"dark vignette", "darkened corners", "tunnel framing"}},

		{Name: "mirror", Category: imaging.Structure,
			Phrases: []string{"mirrored", "flipped left to right", "reflected horizontally"}},
		{Name: "rotate", Category: imaging.Structure, Params: []imaging.ParamSpec{variant("angle", 0, 45)},
			Phrases: []string{"rotated", "tilted frame", "turned at an angle"}},
		{Name: "swirl", Category: imaging.Structure, Params: []imaging.ParamSpec{p("strength", 0, 6), p("radius", 0.2, 1)},
			Phrases: []string{"swirl distortion", "twisted vortex", "spiral warp"}},
		{Name: "fisheye", Category: imaging.Structure, Params: []imaging.ParamSpec{p("strength", 0, 1)},
			Phrases: []string{"fisheye lens", "bulging wide angle view", "barrel distortion"}},
		{Name: "wave", Category: imaging.Structure, Params: []imaging.ParamSpec{p("amplitude", 0, 8), variant("period", 4, 32)},
			Phrases: []string{"wavy ripples", "underwater wobble", "rippling water reflection"}},
		{Name: "zoom", Category: imaging.Structure, Params: []imaging.ParamSpec{p("factor", 1, 2)},
			Phrases: []string{"zoomed in", "tight close-up crop", "magnified center"}},
		{Name: "shear", Category: imaging.Structure, Params: []imaging.ParamSpec{p("amount", 0, 0.5)},
			Phrases: []string{"sheared", "slanted perspective", "skewed sideways"}},
		{Name: "pinch", Category: imaging.Structure, Params: []imaging.ParamSpec{p("strength", 0, 1)},
			Phrases: []string{"pinched center", "squeezed inward", "pinch warp"}},
	}
}

// defaultSizes are the experiment defaults (data.train_concepts, data.heldout_concepts,
// data.paraphrases), as config.Default has them; TestDefaultSizesMatchConfig keeps
// the two in step.
var defaultSizes = Sizes{Train: 60, Heldout: 12, Paraphrases: 3}

// mustBuild builds the fixture catalogue or fails the test.
func mustBuild(t testing.TB, sizes Sizes, seed uint64) Catalogue {
	t.Helper()
	cat, err := Build(fixtureSpecs(), sizes, seed)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// specByName indexes the fixture specs.
func specByName() map[string]imaging.EditSpec {
	m := map[string]imaging.EditSpec{}
	for _, s := range fixtureSpecs() {
		m[s.Name] = s
	}
	return m
}
