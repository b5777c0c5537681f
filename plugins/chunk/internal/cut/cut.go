package cut

import (
	"context"
	"errors"
	"fmt"

	"dnw/sdk"
)

// Group is a named list of param indices whose weights are concatenated, in this
// order, before cutting.
type Group struct {
	Name   string
	Params []int
}

// Check validates what every chunker is given, naming the chunker id in its errors:
// the context is live, opts are empty (the bundled chunkers take no options; the gRPC
// server resolves options before the call, but a chunker called in process does not),
// chunkSize ≥ 1, and params is non-empty with every param holding at least one weight
// (a LoRA tensor with a zero or negative dimension is a mistake upstream, not
// something to lay out).
func Check(ctx context.Context, id string, params []sdk.Param, chunkSize int, opts sdk.Options) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, errs := sdk.Resolve(nil, opts); len(errs) > 0 {
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("%s: %w", id, e)
		}
		return errors.Join(out...)
	}
	if chunkSize < 1 {
		return fmt.Errorf("%s: chunk size %d, want ≥ 1", id, chunkSize)
	}
	if len(params) == 0 {
		return fmt.Errorf("%s: no params to lay out", id)
	}
	for i, p := range params {
		for _, d := range p.Shape {
			if d < 1 {
				return fmt.Errorf("%s: param %d (%s) has shape %v; every dimension must be ≥ 1", id, i, p.Name, p.Shape)
			}
		}
	}
	return nil
}

// Layout cuts each group into chunks of chunkSize: the group's params are concatenated
// in order and split at every multiple of chunkSize, so a param may span chunks and a
// chunk may hold the end of one param and the start of the next of the same group.
// Each group starts a new chunk; its last chunk is zero-padded (positions no segment
// covers). Groups appear in the layout in the order given. Params must have passed
// Check; every param must be in exactly one group for the layout to validate.
func Layout(params []sdk.Param, chunkSize int, groups []Group) sdk.ChunkLayout {
	l := sdk.ChunkLayout{ChunkSize: chunkSize, Groups: make([]string, len(groups))}
	for g, grp := range groups {
		l.Groups[g] = grp.Name
		at := chunkSize // position in the current chunk; chunkSize means "start a new one"
		for _, p := range grp.Params {
			size := params[p].Size()
			for off := 0; off < size; {
				if at == chunkSize {
					l.Chunks = append(l.Chunks, sdk.Chunk{Group: g})
					at = 0
				}
				n := min(size-off, chunkSize-at)
				ch := &l.Chunks[len(l.Chunks)-1]
				ch.Segments = append(ch.Segments, sdk.Segment{Param: p, Offset: off, At: at, Len: n})
				off += n
				at += n
			}
		}
	}
	return l
}
