package sdk

import (
	"fmt"
	"slices"
)

// This file is the host side of a ChunkLayout: checking one a chunker returned, and
// moving weights between the per-parameter tensors and the chunk vector the weight
// generator sees (Gong et al., ECCV 2024, §3.2: flatten, group, cut into chunks of b).

// Len is the length of the flattened chunk vector: len(l.Chunks)·l.ChunkSize.
func (l ChunkLayout) Len() int { return len(l.Chunks) * l.ChunkSize }

// Validate reports what is wrong with l as a layout of params, if anything: the chunk
// size must be positive; every chunk must name a valid group and hold at least one
// weight; every segment must name a valid param, have Len ≥ 1 and stay inside both its
// param (Offset + Len ≤ Size) and its chunk (At + Len ≤ ChunkSize); segments of one
// chunk must not overlap; and every weight of every param must be covered exactly once.
// Flatten and Unflatten trust a layout that Validate accepted.
func (l ChunkLayout) Validate(params []Param) error {
	if l.ChunkSize < 1 {
		return fmt.Errorf("sdk: layout: chunk size %d, want ≥ 1", l.ChunkSize)
	}
	for i, p := range params {
		for _, d := range p.Shape {
			if d < 0 {
				return fmt.Errorf("sdk: layout: param %d (%s) has negative shape %v", i, p.Name, p.Shape)
			}
		}
	}
	type span struct{ from, to int } // [from, to) within a param
	covered := make([][]span, len(params))
	var segs []Segment // a sorted copy of one chunk's segments, reused
	for c, ch := range l.Chunks {
		if ch.Group < 0 || ch.Group >= len(l.Groups) {
			return fmt.Errorf("sdk: layout: chunk %d: group %d out of range [0, %d)", c, ch.Group, len(l.Groups))
		}
		if len(ch.Segments) == 0 {
			return fmt.Errorf("sdk: layout: chunk %d holds no weights", c)
		}
		for k, s := range ch.Segments {
			if s.Param < 0 || s.Param >= len(params) {
				return fmt.Errorf("sdk: layout: chunk %d segment %d: param %d out of range [0, %d)", c, k, s.Param, len(params))
			}
			p := params[s.Param]
			switch {
			case s.Len < 1:
				return fmt.Errorf("sdk: layout: chunk %d segment %d: length %d, want ≥ 1", c, k, s.Len)
			case s.Offset < 0 || s.Offset+s.Len > p.Size():
				return fmt.Errorf("sdk: layout: chunk %d segment %d: weights [%d, %d) outside param %d (%s) of %d weights",
					c, k, s.Offset, s.Offset+s.Len, s.Param, p.Name, p.Size())
			case s.At < 0 || s.At+s.Len > l.ChunkSize:
				return fmt.Errorf("sdk: layout: chunk %d segment %d: positions [%d, %d) outside a chunk of %d",
					c, k, s.At, s.At+s.Len, l.ChunkSize)
			}
			covered[s.Param] = append(covered[s.Param], span{s.Offset, s.Offset + s.Len})
		}
		segs = append(segs[:0], ch.Segments...)
		slices.SortFunc(segs, func(a, b Segment) int { return a.At - b.At })
		for k := 1; k < len(segs); k++ {
			if prev := segs[k-1]; segs[k].At < prev.At+prev.Len {
				return fmt.Errorf("sdk: layout: chunk %d: segments at [%d, %d) and [%d, %d) overlap",
					c, prev.At, prev.At+prev.Len, segs[k].At, segs[k].At+segs[k].Len)
			}
		}
	}
	for i, spans := range covered {
		slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
		next := 0 // first weight not yet covered
		for _, s := range spans {
			if s.from > next {
				return fmt.Errorf("sdk: layout: param %d (%s): weights [%d, %d) are in no chunk", i, params[i].Name, next, s.from)
			}
			if s.from < next {
				return fmt.Errorf("sdk: layout: param %d (%s): weight %d is in two chunks", i, params[i].Name, s.from)
			}
			next = s.to
		}
		if size := params[i].Size(); next != size {
			return fmt.Errorf("sdk: layout: param %d (%s): weights [%d, %d) are in no chunk", i, params[i].Name, next, size)
		}
	}
	return nil
}

// Flatten writes the chunk vector of params into dst: chunk n occupies
// dst[n·ChunkSize : (n+1)·ChunkSize], each segment copies params[s.Param][s.Offset:][:s.Len]
// to position s.At of its chunk, and every position no segment covers is zero.
// params[i] holds param i row-major. It panics if len(dst) != l.Len() or if a param is
// shorter than the layout says (a programmer error: Validate the layout first).
func (l ChunkLayout) Flatten(dst []float32, params [][]float32) {
	if len(dst) != l.Len() {
		panic(fmt.Sprintf("sdk: ChunkLayout.Flatten: len(dst) = %d, want %d chunks × %d = %d",
			len(dst), len(l.Chunks), l.ChunkSize, l.Len()))
	}
	clear(dst) // the padding
	for n, ch := range l.Chunks {
		chunk := dst[n*l.ChunkSize : (n+1)*l.ChunkSize]
		for _, s := range ch.Segments {
			copy(chunk[s.At:s.At+s.Len], params[s.Param][s.Offset:s.Offset+s.Len])
		}
	}
}

// Unflatten is the inverse of Flatten: it copies every segment of the chunk vector
// chunks back into its param, dst[s.Param][s.Offset:][:s.Len], and ignores the padding.
// For a valid layout every weight of dst is written exactly once, so dst need not be
// cleared first. It panics if len(chunks) != l.Len() or a dst[i] is too short.
func (l ChunkLayout) Unflatten(dst [][]float32, chunks []float32) {
	if len(chunks) != l.Len() {
		panic(fmt.Sprintf("sdk: ChunkLayout.Unflatten: len(chunks) = %d, want %d chunks × %d = %d",
			len(chunks), len(l.Chunks), l.ChunkSize, l.Len()))
	}
	for n, ch := range l.Chunks {
		chunk := chunks[n*l.ChunkSize : (n+1)*l.ChunkSize]
		for _, s := range ch.Segments {
			copy(dst[s.Param][s.Offset:s.Offset+s.Len], chunk[s.At:s.At+s.Len])
		}
	}
}
