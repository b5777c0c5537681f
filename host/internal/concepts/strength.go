package concepts

import (
	"math"
	"math/rand/v2"
	"strconv"

	"dnw/host/internal/imaging"
)

// strength is how strongly a step applies its edit. Its parameters are drawn from a
// band of their ranges, read from the weakest setting to the strongest (imaging.Grows
// says which end that is), and the prompt names it with one of its adjectives.
type strength struct {
	lo, hi     float64  // band, as fractions of each parameter's range
	adjectives []string // "" writes the phrase alone
}

// strengths are the settings a parameterized edit is drawn at. The bands stay clear of
// the range's ends, where an edit tends to do nothing (strength 0) or to wipe the
// image out (full pixelation), neither of which is a concept worth learning; the gaps
// between bands (0.05 of the range) keep "subtle" and "strong" apart.
var strengths = []strength{
	{lo: 0.15, hi: 0.35, adjectives: []string{"subtle", "slight", "mild", "faint"}},
	{lo: 0.40, hi: 0.60, adjectives: []string{""}},
	{lo: 0.65, hi: 0.90, adjectives: []string{"strong", "heavy", "intense", "bold"}},
}

// unparameterized is the strength of an edit without a strength parameter: nothing
// to grade and no adjective to write.
var unparameterized = strength{adjectives: []string{""}}

// drawStep draws a strength for the edit and its parameters: a strength parameter
// inside that strength's band, a variant parameter (a hue, a frequency) anywhere in
// its range. Values are written with three significant digits so that catalogue.json
// stays readable.
func drawStep(rng *rand.Rand, spec imaging.EditSpec) (imaging.Step, strength) {
	step := imaging.Step{Edit: spec.Name}
	if len(spec.Params) == 0 {
		return step, unparameterized
	}
	s := unparameterized
	for _, p := range spec.Params {
		if p.Grows != imaging.Variant {
			s = strengths[rng.IntN(len(strengths))]
			break
		}
	}
	step.Params = map[string]float64{}
	for _, p := range spec.Params {
		var f float64 // the fraction of the range from Min
		switch p.Grows {
		case imaging.Up:
			f = s.lo + (s.hi-s.lo)*rng.Float64()
		case imaging.Down:
			f = 1 - (s.lo + (s.hi-s.lo)*rng.Float64())
		case imaging.Variant:
			f = rng.Float64()
		}
		v, _ := strconv.ParseFloat(strconv.FormatFloat(p.Min+f*(p.Max-p.Min), 'g', 3, 64), 64)
		step.Params[p.Name] = math.Min(math.Max(v, p.Min), p.Max) // rounding may step past an end
	}
	return step, s
}
