// Package digest computes the SHA-256 of files, the one content digest dnw records:
// run artifacts (runstore), external plugins (pluginhost) and the data files that
// stages fingerprint (stage).
package digest
