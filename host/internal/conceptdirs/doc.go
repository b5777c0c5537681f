// Package conceptdirs is the "folders" data source: it loads real paired image
// data that a user brings (for example photos edited by a diffusion model) from a
// root directory holding one directory per concept:
//
//	ROOT/
//	  sepia-photo/
//	    prompt.txt   one prompt per line (paraphrases), trimmed; blank lines and
//	                 lines starting with # are ignored; at least one prompt
//	    A/  0001.png  0002.jpg …   sources
//	    B/  0001.png  0002.png …   targets, paired with A by base name: 0001.png ↔ 0001.jpg
//	  pixel-art/ …
//
// The concept ID is its directory name. Images are PNG or JPEG, recognised by the
// extension (.png, .jpg, .jpeg, any case) and decoded by content, so a PNG named
// .jpg still loads. Hidden entries (".DS_Store", ".git") are ignored silently; other
// files with another extension are ignored with a warning.
//
// Only regular files are opened, and symbolic links to them (so a dataset of links
// into a photo library works): a named pipe, socket or device in place of an image
// or prompt.txt is reported, never opened, since reading a named pipe blocks until
// a writer comes, forever if none does.
//
// Every image's header is read first: an image whose header claims more than
// Options.MaxPixels pixels (data.max_pixels; default DefaultMaxPixels, 64 MP) is
// refused before any pixel memory is allocated, since the decoders allocate the
// whole image the header claims (a 69-byte PNG can claim 65535×65535 at 16 bits, 34
// GB). Then every image is converted as imaging.FromGo does and made Size×Size:
// centre-cropped to the largest square (the extra pixels split evenly, the odd one
// to the right or bottom), then resized with area averaging when shrinking and
// bilinear interpolation (pixel centres aligned, edges clamped) when enlarging. An
// image smaller than Size is enlarged with a warning naming it: it comes out blurred.
// A source and its target must have the same size before cropping: a different size
// almost always means a mismatched pair.
//
// Load reports every problem it finds at once, each naming the offending path. With
// Options.SkipBad, problems of single images (unreadable, not a regular file, over
// MaxPixels, unpaired, ambiguous or mismatched in size) skip the pair with a
// warning, and a concept left without pairs is skipped with a warning; structural
// problems (missing root, a concept without prompt.txt or prompts, a missing A/ or
// B/, no concepts left) remain errors. Once its context is done, Load stops between
// files (and a decode in progress at its next read) and returns the context's error.
//
// Results are deterministic: concepts are sorted by ID and pairs by name. Decoding
// runs on GOMAXPROCS goroutines. Memory is bounded: the goroutines together hold at
// most MaxPixels decoded full-size pixels at once (a pixel takes 1.5–8 bytes in
// the decoders' formats, JPEG to 16-bit PNG), one image of a pair at a time, resized
// a row at a time without a full-size float copy; only the Size×Size images are kept,
// 2·3·Size²·4 bytes per pair (1.5 MiB at Size 256). Measured: one 8000×8000 JPEG
// pair at Size 256 peaks at 0.19 GB resident, against 1.9 GB when every image was
// converted to floats at full size and both images of a pair were held at once.
package conceptdirs
