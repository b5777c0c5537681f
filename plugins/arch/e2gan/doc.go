// Package e2gan is the architecture plugin arch.e2gan: the hybrid CNN–transformer
// generator of E2GAN (Yang et al., "E²GAN: Efficient Training of Efficient GANs for
// Image-to-Image Translation", ICML 2024), the base model that Gong et al.
// ("Efficient Training with Denoised Neural Weights", ECCV 2024) fine-tune with LoRA
// and whose LoRA weights they predict, with pix2pix's PatchGAN discriminator.
//
// The generator is stride-2 convolution downsampling, ResNet blocks, one transformer
// block over the downsampled feature map (optionally with cross-attention to a concept
// embedding), more ResNet blocks, and nearest-upsample + convolution upsampling.
// Every node is tagged with its region so that the paper's five LoRA places
// (Downsample, DS, Transformer, US, Upsample) can be selected; README.md lists the
// tags and options.
package e2gan
