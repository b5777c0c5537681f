// Package patchgan builds the PatchGAN discriminator of pix2pix (Isola et al.,
// "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017) as an
// arch IR graph, for every bundled architecture: it classifies overlapping patches of
// a (source, target) pair as real or fake.
package patchgan
