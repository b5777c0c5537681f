package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"dnw/host/internal/quality"
)

// Terminal writes the summary a run ends with: per method its final metric, how
// often and how fast it reached the scratch target and its speedups (medians over
// concepts), then the verdict.
func Terminal(w io.Writer, r Results) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "METHOD\tFINAL %s\tREACHED\tFROM START\tSECONDS TO TARGET\tSTEPS\tVS SCRATCH\tVS LORA-ZERO\n", strings.ToUpper(r.Metric.Name))
	for _, m := range r.Summary {
		s := m.ToScratch
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%d\t%s\t%s\t%s\t%s\n", m.Method, num(float64(m.Final.Median), 2), s.Reached, m.Concepts,
			s.FromStart, num(float64(s.Seconds.Median), 1), num(float64(s.Steps.Median), 0), times(s.VsScratch), times(s.VsLoRAZero))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	plain := strings.NewReplacer("**", "", "`", "")
	_, err := fmt.Fprintf(w, "medians over %d held-out concepts; target: scratch's final %s after %d steps\n%s\n",
		len(r.Concepts), r.Metric.Name, r.Steps, plain.Replace(verdict(r)))
	if note := convergenceNote(r); note != "" && err == nil {
		_, err = fmt.Fprintln(w, plain.Replace(note))
	}
	return err
}

func times(s quality.Stats) string {
	if !s.Median.Defined() {
		return "—"
	}
	return num(float64(s.Median), 2) + "×"
}
