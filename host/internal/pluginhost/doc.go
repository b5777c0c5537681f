// Package pluginhost finds, verifies, starts and stops dnw's plugins.
//
// Plugins run as separate processes and talk gRPC through hashicorp/go-plugin.
// Bundled plugins (those under plugins/, compiled into dnw) are served by the dnw
// binary itself, re-executed as `dnw plugin serve ID`, so a fresh clone needs no extra
// build step. External plugins are executables named dnw-ID (e.g.
// dnw-schedule.quadratic) in the directories of $DNW_PLUGIN_PATH and ./plugins/bin;
// each must be pinned by SHA-256 in the lock file (`dnw plugins lock`) before it runs,
// and a binary whose digest changed is refused.
//
// Every call to a plugin has a deadline; a plugin that crashes or hangs fails the call
// with an error naming the plugin and its last stderr lines, and is killed. Plugin
// processes die with the host (Managed clients, Pdeathsig on Linux).
package pluginhost
