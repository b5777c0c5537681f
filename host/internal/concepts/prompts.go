package concepts

import (
	"fmt"
	"math/rand/v2"
)

// combinationConnectors join the phrases of a combination's two steps, in either
// order ("sepia photograph, pixel art", "pixel art with sepia photograph").
var combinationConnectors = []string{"%s, %s", "%s with %s", "%s and %s"}

// styleConnector reads well only when its second phrase names a style ("sepia
// photograph as pixel art"), so it is offered only then.
const styleConnector = "%s as %s"

// singleFrames dress the phrase of a single-edit concept. Beyond the phrase alone they
// give an edit without parameters (so without adjectives) and with two training
// phrases a third paraphrase. The words "look" and "effect" are fillerWords.
var singleFrames = []string{"%s", "%s look", "%s effect"}

// triesPerPrompt bounds the draws for one new distinct paraphrase; a concept whose
// phrases cannot give enough distinct prompts fails and is redrawn.
const triesPerPrompt = 64

// promptPart is one step as the prompts see it.
type promptPart struct {
	phrases  []string // the phrases the prompts may use
	strength strength
	style    bool // the edit is in the style category
}

// writePrompts composes n distinct prompts for the parts (one or two steps, in step
// order). Paraphrase i uses phrase i (mod count) of each part, from a shuffled order,
// so that paraphrases differ in wording first, and adjectives, connector, word order
// and frame at random. A prompt that usable rejects is redrawn; ok is false when n
// distinct usable prompts are not found.
func writePrompts(rng *rand.Rand, parts []promptPart, n int, usable func(string) bool) (prompts []string, ok bool) {
	orders := make([][]int, len(parts))
	for k, p := range parts {
		orders[k] = rng.Perm(len(p.phrases))
	}
	seen := map[string]bool{}
	for i := range n {
		found := false
		for try := range triesPerPrompt {
			texts := make([]string, len(parts))
			for k, p := range parts {
				j := orders[k][i%len(p.phrases)]
				if try > 0 {
					j = rng.IntN(len(p.phrases))
				}
				texts[k] = withAdjective(p.strength.adjectives[rng.IntN(len(p.strength.adjectives))], p.phrases[j])
			}
			var prompt string
			if len(parts) == 1 {
				frame := singleFrames[0]
				if i >= len(parts[0].phrases) || try > 0 {
					frame = singleFrames[rng.IntN(len(singleFrames))]
				}
				prompt = fmt.Sprintf(frame, texts[0])
			} else {
				prompt = joinPair(rng, texts, parts)
			}
			if key := normalized(prompt); !seen[key] && usable(prompt) {
				seen[key] = true
				prompts = append(prompts, prompt)
				found = true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return prompts, true
}

// joinPair writes two parts' texts in a random order with a random connector.
func joinPair(rng *rand.Rand, texts []string, parts []promptPart) string {
	first, second := 0, 1
	if rng.IntN(2) == 1 {
		first, second = 1, 0
	}
	connectors := combinationConnectors
	if parts[second].style {
		connectors = append(connectors[:len(connectors):len(connectors)], styleConnector)
	}
	return fmt.Sprintf(connectors[rng.IntN(len(connectors))], texts[first], texts[second])
}

func withAdjective(adjective, phrase string) string {
	if adjective == "" {
		return phrase
	}
	return adjective + " " + phrase
}
