package ir

// Well-known tags: the contract between architectures, which tag their nodes, LoRA
// placements, which select on tags, and the host, which trains the norms a placement
// asks for. A node may carry several; the bundled architectures give every node one
// region tag, and norms and attention projections a tag for their role as well.
const (
	// Regions of an image-to-image generator, after the five LoRA places of Gong et
	// al. (ECCV 2024), which follow E2GAN's layout.
	TagStem        = "stem"        // the first convolution, at full resolution
	TagDownsample  = "downsample"  // stride-2 convolutions (and their norm, activation)
	TagDS          = "ds"          // ResNet blocks in the downsampled space, before the transformer
	TagTransformer = "transformer" // the transformer block: norms, projections, attention, MLP
	TagUS          = "us"          // ResNet blocks after the transformer
	TagUpsample    = "upsample"    // nearest upsampling and the convolution after it
	TagHead        = "head"        // the last convolution and its tanh

	// Roles.
	TagNorm    = "norm"       // every norm node (group, instance, batch, layer)
	TagAttnQ   = "attn.q"     // linear projection to attention queries
	TagAttnK   = "attn.k"     // linear projection to attention keys
	TagAttnV   = "attn.v"     // linear projection to attention values
	TagAttnOut = "attn.out"   // linear projection of the attention output
	TagCross   = "attn.cross" // nodes of a cross-attention (k, v come from a context input)
	TagMLP     = "mlp"        // the transformer's feed-forward linears
)

// AttentionRoles are the tags of the four attention projections.
var AttentionRoles = []string{TagAttnQ, TagAttnK, TagAttnV, TagAttnOut}
