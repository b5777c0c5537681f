package e2ganpaper

import (
	"context"
	"slices"
	"strings"

	"dnw/plugins/lora/internal/place"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// ID is the plugin's id.
const ID = "lora.e2gan-paper"

// Places are the paper's five LoRA places, as the tags that mark them.
var Places = []string{ir.TagDownsample, ir.TagDS, ir.TagTransformer, ir.TagUS, ir.TagUpsample}

// trainNorms defaults to true: E2GAN fine-tunes the norm layers along with LoRA, and
// their parameters are few (2·C per norm: 2,688 of arch.e2gan's 1.28 M at the defaults).
const trainNorms = true

var options = append(place.Options(trainNorms), sdk.OptionSpec{
	Name: "places", Type: sdk.OptionStrings, Default: slices.Clone(Places), Enum: Places,
	Doc: "the places that receive LoRA: any of downsample, ds, transformer, us, upsample (default all five)",
})

// Paper is the lora.e2gan-paper placement.
type Paper struct{}

var _ sdk.LoRAPlacement = (*Paper)(nil)

// New returns the plugin, for `sdk.Serve(e2ganpaper.New())` or the host's bundled registry.
func New() *Paper { return &Paper{} }

// Info describes lora.e2gan-paper and its options.
func (*Paper) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindLoRAPlacement, Version: "1.0.0",
		Doc: "LoRA on the paper's five places (Gong et al. 2024): conv2d and linear nodes tagged downsample, " +
			"ds, transformer, us or upsample; option places keeps a subset for ablations. Trains norms by default.",
		Options: options,
	}
}

// Place selects the conv2d and linear nodes that carry any of the chosen places'
// tags. A place the graph lacks adds nothing; selecting nothing at all is an error.
func (*Paper) Place(ctx context.Context, g ir.Graph, opts sdk.Options) (sdk.Placement, error) {
	if err := ctx.Err(); err != nil {
		return sdk.Placement{}, err
	}
	o, err := place.Resolve(ID, options, opts)
	if err != nil {
		return sdk.Placement{}, err
	}
	places := o.Strings("places")
	want := "conv2d or linear node tagged " + strings.Join(places, ", ")
	if len(places) == 0 {
		want = "place to select (option places is empty)"
	}
	return place.Select(ID, g, o, want, func(n ir.Node) bool {
		return slices.ContainsFunc(places, n.HasTag)
	})
}
