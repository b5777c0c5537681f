// Package e2ganpaper is the LoRA placement lora.e2gan-paper: LoRA on the five places
// of Gong et al. ("Efficient Training with Denoised Neural Weights", ECCV 2024), which
// follow E2GAN's layout: Downsample, DS, Transformer, US and Upsample, i.e. the conv2d
// and linear nodes tagged downsample, ds, transformer, us and upsample. The option
// places drops some of them for ablations.
package e2ganpaper
