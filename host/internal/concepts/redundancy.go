package concepts

import (
	"math"

	"dnw/host/internal/imaging"
)

// minParamDistance is the closest two concepts of the same edit set may be: the RMS,
// over their parameters, of the difference as a fraction of the parameter's range.
// A strength band is 0.20–0.25 of the range wide, so two draws of one strength
// closer than 0.15 are the same setting up to noise (and their LoRAs would be the
// same target twice), while draws of different strengths are usually 0.25 or more
// apart. Edits without parameters are at distance 0: one concept per such edit set.
const minParamDistance = 0.15

// maxPromptJaccard is the most alike a new concept's prompt may be to any prompt of a
// kept concept: the Jaccard similarity of their meaningful word sets (wordSet).
// Above 0.8 the two word sets are equal (the same phrases in another order or with
// another connector), or one adds a single word to five or more of the other's, or
// they swap one word in ten or more; concepts named that alike are one concept to
// the text encoder. Prompts that differ in one
// edit's adjective out of two ("strong sepia photograph, subtle pixel art" against
// "… mild pixel art") score 5/7 ≈ 0.71 and are both kept.
const maxPromptJaccard = 0.8

// registry holds the kept concepts of both splits and drops redundant newcomers.
type registry struct {
	v      *vocabulary
	specs  map[string]imaging.EditSpec
	drafts []draft
}

func newRegistry(v *vocabulary) *registry {
	r := &registry{v: v, specs: map[string]imaging.EditSpec{}}
	for _, s := range v.specs {
		r.specs[s.Name] = s
	}
	return r
}

// redundant reports whether d repeats a kept concept: the same edit set with
// parameters closer than minParamDistance, or a prompt more alike than
// maxPromptJaccard to one of a kept concept.
func (r *registry) redundant(d draft) bool {
	set := d.set
	for _, k := range r.drafts {
		if k.set == set && paramDistance(r.specs, d.steps, k.steps) < minParamDistance {
			return true
		}
		for _, a := range d.words {
			for _, b := range k.words {
				if jaccard(a, b) > maxPromptJaccard {
					return true
				}
			}
		}
	}
	return false
}

// add keeps d unless it is redundant, and reports whether it did.
func (r *registry) add(d draft) bool {
	if r.redundant(d) {
		return false
	}
	r.drafts = append(r.drafts, d)
	return true
}

// paramDistance is the RMS, over the parameters of the edits both step lists share,
// of their difference as a fraction of the parameter's range. Parameters of a fixed
// range (Min = Max) and edits without parameters add nothing; with nothing to compare
// the distance is 0.
func paramDistance(specs map[string]imaging.EditSpec, a, b []imaging.Step) float64 {
	sum, n := 0.0, 0
	for _, sa := range a {
		for _, sb := range b {
			if sa.Edit != sb.Edit {
				continue
			}
			for _, p := range specs[sa.Edit].Params {
				if p.Max > p.Min {
					d := (sa.Params[p.Name] - sb.Params[p.Name]) / (p.Max - p.Min)
					sum += d * d
					n++
				}
			}
		}
	}
	if n == 0 {
		return 0
	}
	return math.Sqrt(sum / float64(n))
}
