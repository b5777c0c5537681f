// Package ir is dnw's arch IR: the declarative layer graph that architecture plugins
// return and the host compiles and runs. Plugins never run tensors; they describe
// nodes from a fixed op set, the parameters the nodes use with their shapes and
// initialization rules, and tags that LoRA placements select on.
//
// The IR is versioned ([Version]); ops.go documents every op, its inputs, parameters,
// attributes and output shape.
package ir
