// Command frd is dnw's FRD metric as a WASM extension: the Fréchet distance
// between Gaussians fitted to features of the predictions and of the targets,
// FID's formula (Heusel et al., NeurIPS 2017) on the features of a fixed, seeded
// random network instead of Inception-v3, whose pretrained weights cannot be
// downloaded here, so it is a stand-in for FID and not comparable with it. Lower
// is better; identical batches score 0. The host's reference
// (host/internal/metrics.FRD) states the definition; this extension equals it
// within 1e-5.
//
// The network: three 3×3 convolutions of stride 2 and zero padding 1 (3 → 16 →
// 32 → 64 channels, no biases), each followed by ReLU, then global average
// pooling: 64 features per image, computed in float64 from the values in [-1, 1]
// as they are. Its weights, layer by layer, each (Cout, Cin, 3, 3) row-major, are
// rng.NormFloat64()·√(2/fan_in) (He-normal, fan_in = Cin·9) drawn in that order
// from rand.New(rand.NewPCG(0x646e77, 0x667264)), the ASCII of "dnw" and "frd".
package main
