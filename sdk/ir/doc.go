// Package ir is dnw's arch IR: the declarative layer graph that architecture plugins
// return and the host compiles and runs. Plugins never run tensors; they describe
// nodes from a fixed op set, the parameters the nodes use with their shapes and
// initialization rules, and tags that LoRA placements select on.
//
// The IR is versioned ([Version]). ops.go documents every op, its inputs, parameters,
// attributes and output shape, and [InferShape] applies its shape rule. [Graph.Validate]
// and [Model.Validate] check a graph completely (names, topological order, parameter
// and output shapes, tags, initializations); the host refuses a model that does not
// validate. [Builder] writes a graph a layer at a time and validates it at the end;
// README.md has the op table and an example for plugin authors.
//
// Tags are lowercase words. The bundled architectures tag every node with the region
// of the network it belongs to ("downsample", "ds", "transformer", "us", "upsample",
// …), norms with "norm", and attention projections with their role ("attn.q",
// "attn.k", "attn.v", "attn.out"); see the architectures' READMEs.
package ir
