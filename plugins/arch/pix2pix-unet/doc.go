// Package pix2pixunet is the architecture plugin arch.pix2pix-unet: the U-Net
// generator and PatchGAN discriminator of pix2pix (Isola et al., "Image-to-Image
// Translation with Conditional Adversarial Networks", CVPR 2017), the baseline of
// Gong et al.'s main table (99.20 FID, 659.8 s of training).
//
// The IR has no transposed convolution, so each decoder step is a nearest upsample
// followed by a 3×3 convolution (resize-convolution, Odena et al., "Deconvolution and
// Checkerboard Artifacts", Distill 2016) where pix2pix has a 4×4 stride-2
// ConvTranspose2d. README.md lists the layers and options.
package pix2pixunet
