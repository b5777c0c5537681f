// Package allconv is the LoRA placement lora.all-conv: LoRA on every conv2d node of
// the generator, whatever its tags, and on no linear node, so that it applies the same
// way to convolutional generators (pix2pix's U-Net) and to hybrid ones (E2GAN, whose
// transformer it leaves alone).
package allconv
