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
// Every image is converted with imaging.FromGo and made Size×Size: centre-cropped to
// the largest square (the extra pixels split evenly, the odd one to the right or
// bottom), then resized with area averaging when shrinking and bilinear
// interpolation (pixel centres aligned, edges clamped) when enlarging. A source and
// its target must have the same size before cropping: a different size almost
// always means a mismatched pair.
//
// Load reports every problem it finds at once, each naming the offending path. With
// Options.SkipBad, problems of single images (unreadable, unpaired, ambiguous or
// mismatched in size) skip the pair with a warning, and a concept left without pairs
// is skipped with a warning; structural problems (missing root, a concept without
// prompt.txt or prompts, a missing A/ or B/, no concepts left) remain errors.
//
// Results are deterministic: concepts are sorted by ID and pairs by name. Decoding
// runs on GOMAXPROCS goroutines; only the Size×Size images are kept, so memory is
// 2·3·Size²·4 bytes per pair (1.5 MiB at Size 256).
package conceptdirs
