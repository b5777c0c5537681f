package sweep

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"text/tabwriter"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/quality"
)

// Row is one trial's line of results.csv and results.json.
type Row struct {
	Trial   int                    `json:"trial"`
	Name    string                 `json:"name"`
	Axes    map[string]string      `json:"axes"` // axis → the trial's variant
	Status  string                 `json:"status"`
	Seconds float64                `json:"seconds"` // the run's stages, over all sessions
	Metric  string                 `json:"metric,omitempty"`
	Final   map[string]quality.Num `json:"final,omitempty"` // per method: median final metric over the held-out concepts
	// Steps is per method the median steps to the scratch target over the concepts
	// that reached it: unlike seconds, it does not depend on the machine's load.
	Steps map[string]quality.Num `json:"steps_to_target,omitempty"`
	// Speedups of generated to the scratch target, medians over concepts.
	VsScratch  quality.Num `json:"vs_scratch"`
	VsLoRAZero quality.Num `json:"vs_lora_zero"`

	methods []string // finetune.methods of the trial, in order
}

// Results reads every trial's run: its status and, where its report stage ran,
// its results.json.
func (p *Plan) Results() ([]Row, error) {
	var rows []Row
	for _, t := range p.Trials {
		m := p.manifest(t)
		r := Row{Trial: t.Index, Name: t.Name, Axes: p.axesOf(t), Status: statusOf(m),
			VsScratch: quality.Num(math.NaN()), VsLoRAZero: quality.Num(math.NaN())}
		if m != nil {
			for _, s := range m.Stages {
				r.Seconds += s.Seconds
			}
		}
		res, err := p.trialResults(t)
		if err != nil {
			return nil, err
		}
		if res != nil {
			r.Metric, r.Final, r.Steps, r.methods = res.Metric.Name, map[string]quality.Num{}, map[string]quality.Num{}, res.Methods
			for _, m := range res.Summary {
				r.Final[m.Method], r.Steps[m.Method] = m.Final.Median, m.ToScratch.Steps.Median
				if m.Method == quality.Generated {
					r.VsScratch, r.VsLoRAZero = m.ToScratch.VsScratch.Median, m.ToScratch.VsLoRAZero.Median
				}
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// WriteResults writes results.json and results.csv into the sweep directory.
func (p *Plan) WriteResults(rows []Row) error {
	data, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(p.Dir, "results.json"), append(data, '\n')); err != nil {
		return err
	}
	methods := methodsOf(rows)
	return atomicfile.Write(filepath.Join(p.Dir, "results.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := append([]string{"trial", "name"}, p.Axes...)
		head = append(head, "status", "seconds", "metric")
		for _, m := range methods {
			head = append(head, "final_"+m)
		}
		for _, m := range methods {
			head = append(head, "steps_to_target_"+m)
		}
		cw.Write(append(head, "generated_vs_scratch", "generated_vs_lora_zero"))
		for _, r := range rows {
			rec := []string{strconv.Itoa(r.Trial), r.Name}
			for _, a := range p.Axes {
				rec = append(rec, r.Axes[a])
			}
			rec = append(rec, r.Status, strconv.FormatFloat(r.Seconds, 'f', 1, 64), r.Metric)
			for _, m := range methods {
				rec = append(rec, csvNum(r.Final[m]))
			}
			for _, m := range methods {
				rec = append(rec, csvNum(r.Steps[m]))
			}
			cw.Write(append(rec, csvNum(r.VsScratch), csvNum(r.VsLoRAZero)))
		}
		cw.Flush()
		return cw.Error()
	})
}

// PrintResults writes the summary table.
func (p *Plan) PrintResults(w io.Writer, rows []Row) error {
	methods := methodsOf(rows)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "TRIAL\tNAME\tSTATUS\tSECONDS")
	for _, m := range methods {
		fmt.Fprintf(tw, "\t%s", m)
	}
	fmt.Fprintln(tw, "\tGENERATED STEPS\tSCRATCH STEPS\tGENERATED VS SCRATCH\tVS LORA-ZERO")
	for _, r := range rows {
		fmt.Fprintf(tw, "%03d\t%s\t%s\t%.0f", r.Trial, r.Name, r.Status, r.Seconds)
		for _, m := range methods {
			fmt.Fprintf(tw, "\t%s", fmtNum(r.Final[m], "%.2f"))
		}
		fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\n", fmtNum(r.Steps[quality.Generated], "%.0f"), fmtNum(r.Steps[quality.Scratch], "%.0f"),
			fmtNum(r.VsScratch, "%.2f×"), fmtNum(r.VsLoRAZero, "%.2f×"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(methods) > 0 {
		fmt.Fprintf(w, "final: median %s over each trial's held-out concepts; steps: medians of each method's steps to the scratch target; speedups: medians of generated's time to it (seconds, which vary with the machine's load)\n", rows[0].Metric)
	}
	return nil
}

// methodsOf lists the methods of the rows' trials, in the order their
// finetune.methods first name them.
func methodsOf(rows []Row) []string {
	var out []string
	for _, r := range rows {
		for _, m := range r.methods {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

func fmtNum(n quality.Num, format string) string {
	if !n.Defined() {
		return "—"
	}
	return fmt.Sprintf(format, float64(n))
}

func csvNum(n quality.Num) string {
	if !n.Defined() {
		return ""
	}
	return strconv.FormatFloat(float64(n), 'g', 6, 64)
}
