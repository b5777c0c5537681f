package pipeline

import "dnw/host/internal/stage"

// Paper is the pipeline of Gong et al., "Efficient Training with Denoised Neural
// Weights" (ECCV 2024). Its stages are implemented by later milestones; until a stage
// has a Run function, the runner refuses the pipeline up front and names what is missing.
func Paper() stage.Pipeline {
	return stage.Pipeline{Name: "paper", Stages: []stage.Stage{
		conceptsStage,
		pairsStage,
		baseStage,
		collectStage,
		weightgenStage,
		finetuneStage,
		{Name: "report", Doc: "report.md, report.html and results.json",
			Keys: []string{"metrics"}},
	}}
}
