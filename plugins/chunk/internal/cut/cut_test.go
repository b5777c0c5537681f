package cut_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"dnw/plugins/chunk/internal/cut"
	"dnw/sdk"
)

func TestLayoutSpansParamsWithinAGroup(t *testing.T) {
	params := []sdk.Param{{Name: "a", Shape: []int{3}}, {Name: "b", Shape: []int{4}}, {Name: "c", Shape: []int{2}}}
	got := cut.Layout(params, 4, []cut.Group{{Name: "ab", Params: []int{0, 1}}, {Name: "c", Params: []int{2}}})
	want := sdk.ChunkLayout{ChunkSize: 4, Groups: []string{"ab", "c"}, Chunks: []sdk.Chunk{
		{Group: 0, Segments: []sdk.Segment{{Param: 0, Offset: 0, At: 0, Len: 3}, {Param: 1, Offset: 0, At: 3, Len: 1}}},
		{Group: 0, Segments: []sdk.Segment{{Param: 1, Offset: 1, At: 0, Len: 3}}},
		{Group: 1, Segments: []sdk.Segment{{Param: 2, Offset: 0, At: 0, Len: 2}}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if err := got.Validate(params); err != nil {
		t.Error(err)
	}
}

func TestCheck(t *testing.T) {
	ok := []sdk.Param{{Name: "a", Shape: []int{3}}}
	ctx := context.Background()
	if err := cut.Check(ctx, "chunk.x", ok, 1, nil); err != nil {
		t.Error(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		ctx    context.Context
		params []sdk.Param
		size   int
		opts   sdk.Options
		want   string
	}{
		{ctx, ok, 0, nil, "chunk.x: chunk size 0, want ≥ 1"},
		{ctx, nil, 4, nil, "chunk.x: no params"},
		{ctx, []sdk.Param{{Name: "z", Shape: []int{2, 0}}}, 4, nil, "chunk.x: param 0 (z) has shape [2 0]"},
		{ctx, ok, 4, sdk.Options{"size": int64(3)}, "chunk.x: option size: unknown option"},
		{cancelled, ok, 4, nil, "context canceled"},
	} {
		if err := cut.Check(tc.ctx, "chunk.x", tc.params, tc.size, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}
