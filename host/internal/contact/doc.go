// Package contact draws contact sheets: a grid of cells, each a row of images (a
// concept's sources and targets) with text lines beneath (its id and prompt), as a
// PNG a person can look at (`dnw data preview`).
package contact
