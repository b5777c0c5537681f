// Package imaging holds dnw's images: RGB images as float32 planes in [-1, 1] (the
// generators' tanh range), conversion from and to Go's image types for PNG and JPEG,
// the procedural source scenes, and the parameterized edits that concepts compose.
package imaging
