package extensions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero/api"

	"dnw/sdk/ext"
)

// instance is one running module.
type instance struct {
	mod api.Module
	out *tail // its stdout and stderr
}

func (in *instance) close() {
	if in.mod != nil {
		in.mod.Close(context.Background())
	}
}

// info calls dnw_info and decodes the metadata JSON.
func (in *instance) info(ctx context.Context) (ext.Info, error) {
	var info ext.Info
	res, err := in.mod.ExportedFunction(ext.ExportInfo).Call(ctx)
	if err != nil {
		return info, err
	}
	b, err := in.read(res[0])
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("%w: its metadata is not JSON: %v", ErrProtocol, err)
	}
	return info, nil
}

// configure passes the options JSON.
func (in *instance) configure(ctx context.Context, options []byte) error {
	_, err := in.call(ctx, in.mod.ExportedFunction(ext.ExportConfigure), len(options), func(dst []byte) error {
		copy(dst, options)
		return nil
	})
	return err
}

// call is one round of the ABI: dnw_alloc a buffer of size bytes, fill it in the
// guest's memory, call fn on it, copy the output envelope out, dnw_free the input,
// and open the envelope.
func (in *instance) call(ctx context.Context, fn api.Function, size int, fill func([]byte) error) ([]byte, error) {
	if fn == nil {
		return nil, fmt.Errorf("%w: the export is missing", ErrProtocol)
	}
	res, err := in.mod.ExportedFunction(ext.ExportAlloc).Call(ctx, uint64(size))
	if err != nil {
		return nil, err
	}
	ptr := uint32(res[0])
	if ptr == 0 { // how dnw_alloc says it failed (ABI.md, "Exports")
		return nil, fmt.Errorf("%w: dnw_alloc(%d) found no room for the input", ErrMemory, size)
	}
	view, ok := in.mod.Memory().Read(ptr, uint32(size))
	if !ok {
		return nil, fmt.Errorf("%w: dnw_alloc(%d) returned %#x, outside its %d bytes of memory", ErrProtocol, size, ptr, in.mod.Memory().Size())
	}
	if err := fill(view); err != nil {
		return nil, err
	}
	if res, err = fn.Call(ctx, uint64(ptr), uint64(size)); err != nil {
		return nil, err
	}
	out, err := in.read(res[0])
	if err != nil {
		return nil, err
	}
	if _, err := in.mod.ExportedFunction(ext.ExportFree).Call(ctx, uint64(ptr)); err != nil {
		return nil, err
	}
	body, err := ext.DecodeEnvelope(out)
	var guest *ext.GuestError
	if err != nil && !errors.As(err, &guest) {
		return nil, fmt.Errorf("%w: its output envelope: %v", ErrProtocol, err)
	}
	return body, err
}

// read copies out the bytes a packed pointer and length name, refusing a range
// outside the guest's memory.
func (in *instance) read(packed uint64) ([]byte, error) {
	ptr, n := ext.Unpack(packed)
	b, ok := in.mod.Memory().Read(ptr, n)
	if !ok {
		return nil, fmt.Errorf("%w: it returned bytes %#x..%#x, outside its %d bytes of memory", ErrProtocol, ptr, uint64(ptr)+uint64(n), in.mod.Memory().Size())
	}
	return append([]byte(nil), b...), nil
}
