package pipeline

import (
	"fmt"
	"io"
	"strings"

	"dnw/host/internal/weightgen"
)

// writeWeightgenSummary writes summary.md, the weight generator's part of the run's
// report: how the denoiser was set up (its block-index encoding first, the ablation
// the paper studies), how training went, and the held-out check with a plain verdict.
// params is the denoiser's number of trainable weights, loss weightgen.loss.
func writeWeightgenSummary(w io.Writer, saved weightgen.Saved, params int, layout, textEncoder, loss string, curve []LossRow, check HeldoutCheck) error {
	s, info := saved.Spec, saved.Info
	var b strings.Builder
	fmt.Fprintf(&b, "# Weight generator\n\n| setting | value |\n|---|---|\n")
	row := func(k, v string, args ...any) { fmt.Fprintf(&b, "| %s | %s |\n", k, fmt.Sprintf(v, args...)) }
	row("block-index encoding", "`%s`", s.BlockIndex)
	route := "`" + weightgen.RouteNone + "`"
	if s.HasLinearRoute() {
		route = fmt.Sprintf("`%s`, rank %d", s.TextRoute, s.RouteRank)
	}
	row("text route", "%s", route)
	row("network output, loss", "`%s`, `%s`", s.Output, loss)
	row("denoiser", "widths %d/%d/%d, depths %d/%d/%d, %d heads, %d parameters",
		s.Widths[0], s.Widths[1], s.Widths[2], s.Depths[0], s.Depths[1], s.Depths[2], s.Heads, params)
	row("chunks", "%d of %d weights (%s)", s.Chunks, s.ChunkSize, layout)
	row("text encoder", "%s, %d values", textEncoder, s.TextDim)
	row("noise schedule", "%s, T = %d", info.Schedule, len(saved.Tables.Alpha))
	row("training", "%d steps; loss %.4g → %.4g; each (concept, chunk) pair drawn %.1f times", info.Steps, curve[0].Loss, curve[len(curve)-1].Loss, info.DrawsPerPair)
	row("held-out prediction", "%s at t* = %d, guidance %g", check.Sampler, info.TStar, info.Guidance)

	fmt.Fprintf(&b, "\n## Held-out check\n\nL2 distance to each held-out concept's own fine-tuned LoRA "+
		"(stage collect), per prompt, against the mean of the training LoRAs and the nearest training LoRA.\n\n"+
		"| concept | prompt | prediction | training mean | nearest training LoRA |\n|---|---|---|---|---|\n")
	for _, p := range check.Predictions {
		fmt.Fprintf(&b, "| %s | %s | %.3f | %.3f | %.3f |\n", p.Concept, p.Prompt, p.PredToOwn, p.MeanToOwn, p.NearestToOwn)
	}
	fmt.Fprintf(&b, "| **mean** | | **%.3f** | **%.3f** | **%.3f** |\n\n", check.PredToOwn, check.MeanToOwn, check.NearestToOwn)
	verdict := "closer to their own LoRA than the training mean is"
	if !(check.PredToOwn < check.MeanToOwn) {
		verdict = "**not** closer to their own LoRA than the training mean is"
	}
	fmt.Fprintf(&b, "On average the predictions are %s (%d of %d predictions closer).\n", verdict, check.CloserThanMean, len(check.Predictions))

	fit := check.Training
	fmt.Fprintf(&b, "\n## Fit to the training concepts\n\nThe same measure for the first %d training concepts, "+
		"from each one's first prompt, against the mean of the concept's kept checkpoints: "+
		"prediction %.3f, training mean %.3f (%d of %d closer). ", fit.Concepts, fit.PredToOwn, fit.MeanToOwn, fit.CloserThanMean, fit.Concepts)
	switch {
	case !(fit.PredToOwn < fit.MeanToOwn):
		b.WriteString("The generator does not fit even the concepts it trained on: it underfits, and its output " +
			"barely depends on the prompt. Train longer, widen the denoiser, or shrink the LoRA it must write.\n")
	case !(check.PredToOwn < check.MeanToOwn):
		b.WriteString("The generator fits the concepts it trained on but does not carry that over to new ones. " +
			"tools/weight_predictability.py tells whether the prompts could (a ridge regression from their features); " +
			"docs/benchmarks.md, \"Does the generator learn from the prompt?\", lists what was tried.\n")
	default:
		b.WriteString("The generator fits the concepts it trained on and carries that over to new ones.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
