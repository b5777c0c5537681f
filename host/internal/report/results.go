package report

import "dnw/host/internal/quality"

// SchemaID names the version of results.json's layout; docs/results.schema.json
// describes it and a test validates every written file against it.
const SchemaID = "dnw.results/1"

// Results is results.json: everything the report shows, as numbers.
type Results struct {
	Schema     string `json:"schema"`
	Experiment string `json:"experiment"`
	Metric     Metric `json:"metric"`
	// Extra are metrics.extra, scored at the end of every fine-tune (Run.Extra).
	Extra    []Metric                `json:"extra_metrics,omitempty"`
	Methods  []string                `json:"methods"`
	Steps    int                     `json:"steps"` // each fine-tune's budget
	Summary  []quality.MethodSummary `json:"summary"`
	Concepts []quality.ConceptResult `json:"concepts"`
	Runs     []Run                   `json:"runs"`
	// Memorization compares each generated start with the training LoRAs: a
	// prediction that sits on a training LoRA, far from the concept's own, has
	// recalled a training concept rather than written a new one.
	Memorization  []Memorization `json:"memorization"`
	WeightgenLoss []LossPoint    `json:"weightgen_loss"`
	LoRA          LoRA           `json:"lora"` // where LoRA went
}

// Metric is a metric's name and direction.
type Metric struct {
	Name           string `json:"name"`
	HigherIsBetter bool   `json:"higher_is_better"`
}

// Run is one method's fine-tune curve on one concept.
type Run struct {
	Concept      string          `json:"concept"`
	Method       string          `json:"method"`
	Prompt       string          `json:"prompt"`
	From         string          `json:"from,omitempty"`
	StartSeconds float64         `json:"start_seconds"`
	Curve        []quality.Point `json:"curve"`
	// Extra is each extra metric at the end of the budget, by name.
	Extra map[string]float64 `json:"extra,omitempty"`
	// Sub is the sub-scores the metrics (primary and extra) returned at the end of
	// the budget, by metric name, then sub-score name.
	Sub map[string]map[string]float64 `json:"sub,omitempty"`
}

// Memorization is the L2 distances of one concept's generated start.
type Memorization struct {
	Concept        string  `json:"concept"`
	ToOwn          float64 `json:"to_own"`          // to the concept's own fine-tuned LoRA
	ToNearest      float64 `json:"to_nearest"`      // to the nearest training LoRA
	NearestConcept string  `json:"nearest_concept"` // whose LoRA that is
	OwnToNearest   float64 `json:"own_to_nearest"`  // from the own LoRA to its nearest training LoRA, for scale
	MeanToOwn      float64 `json:"mean_to_own"`     // from the training mean to the own LoRA, for scale
	// ToMean is from the start to the training mean: a start nearer the mean than
	// any training LoRA is the mean again, whatever the prompt said.
	ToMean float64 `json:"to_mean"`
}

// LossPoint is one row of the weight generator's loss curve.
type LossPoint struct {
	Step int     `json:"step"`
	Loss float64 `json:"loss"`
}
