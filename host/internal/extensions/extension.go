package extensions

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"dnw/sdk/ext"
)

// Extension is an opened module: its metadata, and a pool of instances that calls
// run on. Its methods are safe for concurrent use; each call runs on an instance
// of its own.
type Extension struct {
	Path        string
	Checksum    string // sha256 of the module's bytes, hex
	Info        ext.Info
	CompileTime time.Duration // how long Open took to compile (or load from the cache)

	rt      *Runtime
	mod     wazero.CompiledModule
	options []byte // the options JSON every new instance is configured with
	idle    chan *instance
}

// Name is how the extension is named in logs: its metadata's name, or its path
// before the metadata is read.
func (e *Extension) Name() string {
	if e.Info.Name != "" {
		return e.Info.Name
	}
	return e.Path
}

// Score runs a metric on a batch of predictions and their targets.
func (e *Extension) Score(ctx context.Context, pred, target ext.Images) (ext.Score, error) {
	if e.Info.Kind != ext.KindMetric {
		return ext.Score{}, e.errorf("%w: a %s, not a metric", ErrKind, e.Info.Kind)
	}
	size := ext.MetricBatchSize(pred)
	body, err := e.call(ctx, ext.ExportMetric, size, func(dst []byte) error {
		_, err := ext.AppendMetricBatch(dst[:0], pred, target)
		return err
	})
	if err != nil {
		return ext.Score{}, err
	}
	s, err := ext.DecodeScore(body)
	if err != nil {
		return s, e.errorf("%w: its score: %v", ErrProtocol, err)
	}
	if err := finite(s); err != nil {
		return ext.Score{}, e.errorf("%w: %v; a score must be finite (ABI.md, \"Encoding\")", ErrProtocol, err)
	}
	return s, nil
}

// finite reports a score or sub-score that is NaN or infinite: it cannot be
// ranked, compared against a target or written to results.json, so it is the
// extension's error rather than a value that fails the run later.
func finite(s ext.Score) error {
	if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
		return fmt.Errorf("its score is %v", s.Value)
	}
	for _, sub := range s.Sub {
		if math.IsNaN(sub.Value) || math.IsInf(sub.Value, 0) {
			return fmt.Errorf("its sub-score %q is %v", sub.Name, sub.Value)
		}
	}
	return nil
}

// Filter runs a filter on a batch of records of its kind; the verdicts are in the
// records' order.
func (e *Extension) Filter(ctx context.Context, b ext.Batch) ([]ext.Verdict, error) {
	if e.Info.Kind != ext.KindFilter || e.Info.Records != b.Records() {
		return nil, e.errorf("%w: it filters %s, not %s", ErrKind, e.Info.Records, b.Records())
	}
	in, err := ext.EncodeBatch(b)
	if err != nil {
		return nil, err
	}
	body, err := e.call(ctx, ext.ExportFilter, len(in), func(dst []byte) error { copy(dst, in); return nil })
	if err != nil {
		return nil, err
	}
	vs, err := ext.DecodeVerdicts(body)
	if err == nil && len(vs) != b.Len() {
		err = fmt.Errorf("%d verdicts for %d records", len(vs), b.Len())
	}
	if err != nil {
		return nil, e.errorf("%w: its verdicts: %v", ErrProtocol, err)
	}
	return vs, nil
}

// call runs one export on an instance from the pool, under the deadline: size
// bytes of input, written by fill straight into the guest's memory. An instance
// that failed in any way but a clean error of its own is discarded.
func (e *Extension) call(ctx context.Context, export string, size int, fill func([]byte) error) ([]byte, error) {
	in, err := e.get(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, e.rt.cfg.Deadline)
	defer cancel()
	body, err := in.call(ctx, in.mod.ExportedFunction(export), size, fill)
	var guest *ext.GuestError
	if err != nil && !errors.As(err, &guest) {
		in.close()
		return nil, e.describe(ctx, err, in)
	}
	e.put(in)
	if err != nil {
		return nil, e.describe(ctx, err, in)
	}
	return body, nil
}

// get takes an idle instance, or starts and configures a new one.
func (e *Extension) get(ctx context.Context) (*instance, error) {
	select {
	case in := <-e.idle:
		return in, nil
	default:
	}
	in, err := e.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, e.rt.cfg.Deadline)
	defer cancel()
	if err := in.configure(cctx, e.options); err != nil {
		in.close()
		return nil, e.describe(cctx, err, in)
	}
	return in, nil
}

// put returns an instance to the pool, or closes it when the pool is full.
func (e *Extension) put(in *instance) {
	select {
	case e.idle <- in:
	default:
		in.close()
	}
}

// Close closes the idle instances and the compiled module.
func (e *Extension) Close(ctx context.Context) error {
	for {
		select {
		case in := <-e.idle:
			in.close()
		default:
			return e.mod.Close(ctx)
		}
	}
}

// checkExports checks the module exports what the ABI requires of its kind's
// common part, and its memory, before anything of it runs.
func (e *Extension) checkExports() error {
	fns := e.mod.ExportedFunctions()
	for _, name := range requiredExports {
		if _, ok := fns[name]; !ok {
			return fmt.Errorf("%w: it does not export %s (ABI.md, \"Exports\"); exports: %v", ErrProtocol, name, exportNames(fns))
		}
	}
	// wazero hands out a nil memory for a module without one; every call reads
	// and writes the guest's buffers there.
	if len(e.mod.ExportedMemories()) == 0 {
		return fmt.Errorf("%w: it does not export its memory (ABI.md, \"Exports\")", ErrProtocol)
	}
	if _, ok := fns[ext.ExportMetric]; !ok {
		if _, ok := fns[ext.ExportFilter]; !ok {
			return fmt.Errorf("%w: it exports neither %s nor %s", ErrProtocol, ext.ExportMetric, ext.ExportFilter)
		}
	}
	return nil
}

func exportNames(fns map[string]api.FunctionDefinition) []string {
	var names []string
	for n := range fns {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// instantiate starts an instance in the sandbox: no arguments, environment,
// files (but the granted directory), network or real clock; stdout and stderr
// go to a bounded buffer that error messages quote.
func (e *Extension) instantiate(ctx context.Context) (*instance, error) {
	out := &tail{max: 4096}
	mc := wazero.NewModuleConfig().
		WithName(""). // anonymous: many instances of one module may live at once
		WithStartFunctions("_initialize").
		WithStdout(out).WithStderr(out)
	if e.rt.fs != nil {
		mc = mc.WithFSConfig(e.rt.fs)
	}
	cctx, cancel := context.WithTimeout(ctx, e.rt.cfg.Deadline)
	defer cancel()
	mod, err := e.rt.rt.InstantiateModule(cctx, e.mod, mc)
	in := &instance{mod: mod, out: out}
	if err != nil {
		return nil, e.describe(cctx, err, in)
	}
	if v, err := mod.ExportedFunction(ext.ExportABIVersion).Call(cctx); err != nil {
		in.close()
		return nil, e.describe(cctx, err, in)
	} else if uint32(v[0]) != ext.ABIVersion {
		in.close()
		return nil, e.errorf("%w: ABI version %d, but this host speaks %d", ErrProtocol, uint32(v[0]), ext.ABIVersion)
	}
	return in, nil
}
