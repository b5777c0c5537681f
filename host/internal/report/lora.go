package report

import "fmt"

// LoRA is where the run's LoRA went: the placement on the architecture's generator
// and each adapted layer, in the order of the LoRA vector. What a generated start
// predicts, and what a method fine-tunes, is exactly these weights.
type LoRA struct {
	Placement  string      `json:"placement"`   // lora.placement
	Arch       string      `json:"arch"`        // model.arch
	TrainNorms bool        `json:"train_norms"` // the norms reading a layer train along
	Weights    int         `json:"weights"`     // the LoRA vector's length
	Layers     []LoRALayer `json:"layers"`
}

// LoRALayer is one adapted node of the generator.
type LoRALayer struct {
	Node    string  `json:"node"`
	Op      string  `json:"op"`
	Rank    int     `json:"rank"`
	Alpha   float64 `json:"alpha"`
	Weights int     `json:"weights"` // its share of the LoRA vector, norms included
}

// loraSection lists the layers that got LoRA.
func loraSection(l LoRA) section {
	s := section{title: "Where LoRA went"}
	norms := "frozen"
	if l.TrainNorms {
		norms = "trained along with LoRA"
	}
	s.para("`%s` on the generator of `%s`: %d layers, %d weights in the LoRA vector; the norms reading them are %s.",
		l.Placement, l.Arch, len(l.Layers), l.Weights, norms)
	t := table{head: []string{"layer", "op", "rank", "alpha", "weights"}}
	for _, y := range l.Layers {
		t.rows = append(t.rows, []string{"`" + y.Node + "`", y.Op, fmt.Sprint(y.Rank), fmt.Sprint(y.Alpha), fmt.Sprint(y.Weights)})
	}
	s.add(t)
	return s
}
