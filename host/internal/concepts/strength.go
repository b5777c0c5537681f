package concepts

import (
	"math"
	"math/rand/v2"
	"strconv"

	"dnw/host/internal/imaging"
)

// strength is how strongly a step applies its edit. Its parameters are drawn from a
// band of their ranges, read as running from the weakest setting (Min) to the
// strongest (Max), and the prompt names it with one of its adjectives.
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

// unparameterized is the strength of an edit without parameters: nothing to draw and
// no adjective to write.
var unparameterized = strength{adjectives: []string{""}}

// drawStep draws a strength for the edit and its parameters inside that strength's
// band, written with three significant digits so that catalogue.json stays readable.
func drawStep(rng *rand.Rand, spec imaging.EditSpec) (imaging.Step, strength) {
	step := imaging.Step{Edit: spec.Name}
	if len(spec.Params) == 0 {
		return step, unparameterized
	}
	s := strengths[rng.IntN(len(strengths))]
	step.Params = map[string]float64{}
	for _, p := range spec.Params {
		f := s.lo + (s.hi-s.lo)*rng.Float64()
		v, _ := strconv.ParseFloat(strconv.FormatFloat(p.Min+f*(p.Max-p.Min), 'g', 3, 64), 64)
		step.Params[p.Name] = math.Min(math.Max(v, p.Min), p.Max) // rounding may step past an end
	}
	return step, s
}
