// Command dnw-arch.tiny is an example external plugin: an architecture, a small
// encoder-decoder generator and a PatchGAN-like discriminator written with sdk/ir's
// Builder. It imports only dnw/sdk and is the worked architecture of sdk/README.md,
// whose code blocks are main.go and main_test.go verbatim (plugins/readme_test.go
// checks that). Build it as dnw-arch.tiny, put it on $DNW_PLUGIN_PATH (or in
// ./plugins/bin), run `dnw plugins lock`, and name it in an experiment:
// `[model] arch = "arch.tiny"`.
package main
