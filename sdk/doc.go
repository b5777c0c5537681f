// Package sdk is the public contract of dnw: the only package that plugin and
// extension authors import.
//
// A plugin is a program that serves one implementation of one of five kinds over
// gRPC (github.com/hashicorp/go-plugin), with [Serve] as its main:
//
//   - [Architecture]: returns the generator and discriminator as an arch IR (package
//     sdk/ir), a declarative layer graph that the host compiles and runs;
//   - [LoRAPlacement]: chooses the layers of an arch IR that receive LoRA;
//   - [Chunker]: cuts the LoRA parameters into chunks of b weights;
//   - [NoiseSchedule]: the diffusion tables ᾱ_t, α_t, σ_t;
//   - [TextEncoder]: prompts to fixed-size embeddings.
//
// Every plugin describes itself with an [Info]: a namespaced id ("schedule.cosine"),
// a version, and the schema of its options, which the host checks experiment files
// against. Package sdk/sdktest runs a plugin in process, through the same gRPC
// adapters, for the plugin's own tests. Imports flow host → sdk ← plugins.
package sdk
