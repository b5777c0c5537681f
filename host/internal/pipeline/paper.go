package pipeline

import "dnw/host/internal/stage"

// Paper is the pipeline of Gong et al., "Efficient Training with Denoised Neural
// Weights" (ECCV 2024).
func Paper() stage.Pipeline {
	return stage.Pipeline{Name: "paper", Stages: []stage.Stage{
		conceptsStage,
		pairsStage,
		baseStage,
		collectStage,
		weightgenStage,
		finetuneStage,
		reportStage,
	}}
}
