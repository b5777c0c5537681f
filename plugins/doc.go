// Package plugins holds dnw's built-in plugins, one folder each, and the WASM metric
// and filter extensions under plugins/ext. Plugins import only dnw/sdk, never the host.
package plugins
