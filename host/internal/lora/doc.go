// Package lora lays out the LoRA adapters of a generator: which parameter tensors a
// placement creates, with their shapes, in the order of the flattened LoRA vector that
// the weight generator learns and predicts.
//
// For a placed layer with weight W, as in the paper (Gong et al., ECCV 2024, following
// E2GAN): a conv c→f with a k×k kernel gets a down projection A ∈ R^{r×c×k×k} (it
// keeps the kernel) and an up projection B ∈ R^{f×r×1×1}; a linear d→f gets A ∈ R^{r×d}
// and B ∈ R^{f×r}; ΔW = (α/r)·B·A. [Params] lists these tensors for a placement,
// [Layers] each placed layer with its share of them; [Adapter] holds one layer's A
// and B, initializes them, and merges ΔW into W.
package lora
