package ext

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// registered is the module's one extension, set by Metric or a filter registration
// from the guest's init.
var registered *extension

type extension struct {
	info   Info
	metric func(pred, target Images) Score
	filter func(Batch) []Verdict
}

// Metric registers the module's metric: score returns one Score for a batch of
// predictions and their targets (same shape). To refuse an input, call Errorf.
func Metric(info Info, score func(pred, target Images) Score) {
	info.Kind = KindMetric
	register(&extension{info: info, metric: score})
}

// CheckpointFilter registers a filter of collected checkpoints (filters.checkpoints):
// keep returns one Verdict per record, in order.
func CheckpointFilter(info Info, keep func(Checkpoints) []Verdict) {
	info.Kind, info.Records = KindFilter, RecordsCheckpoints
	register(&extension{info: info, filter: func(b Batch) []Verdict { return keep(*b.Checkpoints) }})
}

// ConceptFilter registers a filter of catalogue concepts (filters.concepts).
func ConceptFilter(info Info, keep func([]Concept) []Verdict) {
	info.Kind, info.Records = KindFilter, RecordsConcepts
	register(&extension{info: info, filter: func(b Batch) []Verdict { return keep(b.Concepts) }})
}

// PairFilter registers a filter of image pairs (filters.pairs).
func PairFilter(info Info, keep func(Pairs) []Verdict) {
	info.Kind, info.Records = KindFilter, RecordsPairs
	register(&extension{info: info, filter: func(b Batch) []Verdict { return keep(*b.Pairs) }})
}

func register(e *extension) {
	if registered != nil {
		panic(fmt.Sprintf("ext: %q registered, but the module already holds %q: one extension per module", e.info.Name, registered.info.Name))
	}
	e.info.ABI = ABIVersion
	if err := e.info.Check(); err != nil {
		panic("ext: registering: " + err.Error())
	}
	if len(e.info.OptionsSchema) > 0 && !json.Valid(e.info.OptionsSchema) {
		panic("ext: registering " + e.info.Name + ": the options schema is not valid JSON")
	}
	registered = e
}

// Errorf stops the current call with an error the host reports as the
// extension's own (for input the extension cannot score or filter).
func Errorf(format string, args ...any) { panic(guestFailure(fmt.Sprintf(format, args...))) }

type guestFailure string

// Registered is the registered extension's Info, for a guest's own tests.
func Registered() Info {
	if registered == nil {
		return Info{}
	}
	return registered.info
}

// Handle runs one call of the ABI on the registered extension in plain Go: export
// is ExportConfigure, ExportMetric or ExportFilter, in its input and the result is
// the envelope. The wasip1 exports are thin wrappers around it, and a guest's tests
// call it natively (see CallMetric and CallFilter).
func Handle(export string, in []byte) (out []byte) {
	defer func() {
		switch r := recover().(type) {
		case nil:
		case guestFailure:
			out = EncodeError(string(r))
		default:
			out = EncodeError(fmt.Sprintf("panic: %v", r))
		}
	}()
	e := registered
	if e == nil {
		return EncodeError("ext: the module registered no extension (call ext.Metric or a filter registration in init)")
	}
	switch export {
	case ExportConfigure:
		return e.configure(in)
	case ExportMetric:
		if e.metric == nil {
			return EncodeError(fmt.Sprintf("ext: %s is a %s, not a metric", e.info.Name, e.info.Kind))
		}
		pred, target, err := DecodeMetricBatch(in)
		if err != nil {
			return EncodeError(err.Error())
		}
		return EncodeOK(EncodeScore(e.metric(pred, target)))
	case ExportFilter:
		if e.filter == nil {
			return EncodeError(fmt.Sprintf("ext: %s is a %s, not a filter", e.info.Name, e.info.Kind))
		}
		b, err := DecodeBatch(in)
		if err != nil {
			return EncodeError(err.Error())
		}
		if b.Records() != e.info.Records {
			return EncodeError(fmt.Sprintf("ext: %s filters %s, not %s", e.info.Name, e.info.Records, b.Records()))
		}
		vs := e.filter(b)
		if len(vs) != b.Len() {
			return EncodeError(fmt.Sprintf("ext: %s returned %d verdicts for %d records", e.info.Name, len(vs), b.Len()))
		}
		return EncodeOK(EncodeVerdicts(vs))
	default:
		return EncodeError(fmt.Sprintf("ext: no export %q", export))
	}
}

// configure decodes the options JSON into Info.Options. The host has validated it
// against the options schema; unknown fields are refused here as well.
func (e *extension) configure(in []byte) []byte {
	if len(bytes.TrimSpace(in)) == 0 || bytes.Equal(bytes.TrimSpace(in), []byte("{}")) {
		return EncodeOK(nil)
	}
	if e.info.Options == nil {
		return EncodeError(fmt.Sprintf("ext: %s takes no options", e.info.Name))
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(e.info.Options); err != nil {
		return EncodeError(fmt.Sprintf("ext: %s options: %v", e.info.Name, err))
	}
	return EncodeOK(nil)
}

// InfoJSON is the registered extension's Info as dnw_info returns it.
func InfoJSON() []byte {
	if registered == nil {
		return []byte("{}")
	}
	b, err := json.Marshal(registered.info)
	if err != nil {
		panic(err) // Info holds only strings, numbers and checked JSON
	}
	return b
}

// CallMetric scores a batch through the registered metric the way the host does
// (encode, Handle, decode), natively, for a guest's own tests.
func CallMetric(pred, target Images) (Score, error) {
	in, err := EncodeMetricBatch(pred, target)
	if err != nil {
		return Score{}, err
	}
	body, err := DecodeEnvelope(Handle(ExportMetric, in))
	if err != nil {
		return Score{}, err
	}
	return DecodeScore(body)
}

// CallFilter filters a batch through the registered filter the way the host does,
// natively, for a guest's own tests.
func CallFilter(b Batch) ([]Verdict, error) {
	in, err := EncodeBatch(b)
	if err != nil {
		return nil, err
	}
	body, err := DecodeEnvelope(Handle(ExportFilter, in))
	if err != nil {
		return nil, err
	}
	return DecodeVerdicts(body)
}

// Configure passes options JSON to the registered extension the way the host
// does, natively, for a guest's own tests.
func Configure(options []byte) error {
	_, err := DecodeEnvelope(Handle(ExportConfigure, options))
	return err
}
