// Package attentiononly is the LoRA placement lora.attention-only: LoRA on the
// attention projections only, the linear nodes tagged transformer and one of attn.q,
// attn.k, attn.v, attn.out (ir.AttentionRoles), as LoRA was first applied to
// transformers (Hu et al., ICLR 2022, adapt W_q and W_v). It includes the
// cross-attention projections when the architecture has them, and leaves the MLP alone.
package attentiononly
