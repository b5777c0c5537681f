package concepts

import "dnw/host/internal/imaging"

// The splits of a catalogue.
const (
	SplitTrain   = "train"
	SplitHeldout = "heldout"
)

// CategoryCombination is the category of a concept with steps from several
// categories; a single-edit concept has its edit's category.
const CategoryCombination = "combination"

// Concept is one text concept: the edits that render its target images and the
// prompts that name it.
type Concept struct {
	ID       string         `json:"id"`       // stable and readable: "c017-sepia+pixelate"
	Category string         `json:"category"` // the category of its first step, or "combination"
	Steps    []imaging.Step `json:"steps"`    // applied in order
	Prompts  []string       `json:"prompts"`  // distinct paraphrases
	Split    string         `json:"split"`    // SplitTrain or SplitHeldout
}

// Catalogue is every concept of a run, training concepts first, and the seed that
// built it.
type Catalogue struct {
	Seed     uint64    `json:"seed"`
	Concepts []Concept `json:"concepts"`
}

// Sizes says how many concepts Build makes: the experiment keys
// data.train_concepts, data.heldout_concepts and data.paraphrases.
type Sizes struct {
	Train       int // training concepts, at least 1
	Heldout     int // held-out concepts, at least 0
	Paraphrases int // prompts per concept, at least 1
}

// Train returns the training concepts, in catalogue order.
func (c Catalogue) Train() []Concept { return c.split(SplitTrain) }

// Heldout returns the held-out concepts, in catalogue order.
func (c Catalogue) Heldout() []Concept { return c.split(SplitHeldout) }

func (c Catalogue) split(name string) []Concept {
	var out []Concept
	for _, k := range c.Concepts {
		if k.Split == name {
			out = append(out, k)
		}
	}
	return out
}
