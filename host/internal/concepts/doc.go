// Package concepts builds dnw's concept catalogue: the text concepts whose LoRA
// weights the collect stage trains and the weight generator learns to predict.
//
// The paper (Gong et al., ECCV 2024, "Efficient Training with Denoised Neural
// Weights") builds its prompt dataset from LLM-generated concepts in three categories
// (artistic styles, characteristics, face/structure modifications), paraphrases them,
// combines them across categories, removes redundant ones and holds some out. dnw
// renders its image pairs procedurally, so here a concept is a composition of
// parameterized edits (imaging.EditSpec, in the categories style, tone and structure)
// and its prompts are composed from the edits' phrases:
//
//   - Single-edit concepts of every category and two-step combinations across
//     categories. Each step draws a strength (subtle, plain or strong) and its
//     parameters inside that strength's band of their ranges; the prompt names the
//     strength with an adjective ("subtle sepia photograph").
//   - Each concept has Sizes.Paraphrases distinct prompts ("sepia photograph, pixel
//     art" / "old brown-toned photo as 8-bit pixel image").
//   - Redundant concepts are dropped: the same edit set with parameters closer than
//     minParamDistance, or a prompt whose word set is more than maxPromptJaccard alike
//     to a prompt of a kept concept.
//   - Held-out concepts are unseen combinations of seen edits, written with unseen
//     paraphrases: their edit pair never appears in training, each of their edits
//     does, and their prompts use only phrases reserved for held-out prompts.
//
// Build is deterministic: the same specs, sizes and seed give a byte-identical
// catalogue.json (Catalogue.WriteJSON), which ReadJSON reads back and validates.
package concepts
