package concepts_test

import (
	"fmt"

	"dnw/host/internal/concepts"
	"dnw/host/internal/imaging"
)

func ExampleBuild() {
	specs := []imaging.EditSpec{
		{Name: "pixelate", Category: imaging.Style, Params: []imaging.ParamSpec{{Name: "block", Min: 2, Max: 16}},
			Phrases: []string{"pixel art", "8-bit pixelated image", "blocky retro game graphics"}},
		{Name: "sketch", Category: imaging.Style,
			Phrases: []string{"pencil sketch", "charcoal drawing", "hand-drawn line art"}},
		{Name: "sepia", Category: imaging.Tone, Params: []imaging.ParamSpec{{Name: "amount", Min: 0, Max: 1}},
			Phrases: []string{"sepia photograph", "old brown-toned photo", "antique sepia print"}},
		{Name: "invert", Category: imaging.Tone,
			Phrases: []string{"negative film", "inverted colors", "photo negative"}},
	}
	cat, err := concepts.Build(specs, concepts.Sizes{Train: 4, Heldout: 1, Paraphrases: 2}, 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range cat.Concepts {
		fmt.Printf("%s (%s, %s): %q\n", k.ID, k.Split, k.Category, k.Prompts)
	}
	// Output:
	// c000-sketch (train, style): ["hand-drawn line art" "pencil sketch"]
	// c001-sepia (train, tone): ["intense old brown-toned photo" "bold antique sepia print"]
	// c002-sepia (train, tone): ["antique sepia print" "old brown-toned photo"]
	// c003-sepia+pixelate (train, combination): ["subtle 8-bit pixelated image, slight old brown-toned photo" "subtle antique sepia print as slight pixel art"]
	// h000-sepia+sketch (heldout, combination): ["charcoal drawing and strong sepia photograph" "intense sepia photograph as charcoal drawing"]
}
