// Package config reads experiment files: strict TOML with includes and --set overrides.
//
// An experiment file is TOML whose sections and keys are the fields of [Config]; their
// struct tags are the schema (type, range, allowed values, documentation). Loading is
// strict: an unknown key, a wrong type, an out-of-range value (every number has an
// upper bound; nan and inf are refused everywhere, plugin options included) or a
// missing required key is an [Error] that names the file, the line and the key, and a
// misspelt key comes with the nearest valid one. A file may `include` other files (paths relative to it) and
// override a few of their keys, so an ablation is a few lines. The result, [Resolved],
// remembers where every value was set, which `dnw show` prints beside non-default values.
//
// Errors here are user errors: the CLI exits with code 2 for them.
package config
