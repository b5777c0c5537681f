// Package experiments embeds the experiment files shipped with dnw, so that `dnw run`
// without a file has a default and a fresh clone can run them with no other files.
// The TOML files beside this one are the user-facing examples; README.md documents
// every key.
package experiments

import "embed"

// Default is the file `dnw run` uses when given none.
const Default = "quickstart.toml"

// Files holds every shipped experiment file.
//
//go:embed *.toml
var Files embed.FS
