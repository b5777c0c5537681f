package ext

import (
	"encoding/json"
	"fmt"
)

// ABIVersion is the version of the ABI this package speaks (ABI.md). A host runs
// modules whose dnw_abi_version equals it.
const ABIVersion = 1

// The functions an extension module exports (ABI.md, "Exports").
const (
	ExportABIVersion = "dnw_abi_version" // () → i32
	ExportInfo       = "dnw_info"        // () → i64: packed pointer and length of the Info JSON
	ExportAlloc      = "dnw_alloc"       // (size i32) → i32: a buffer the host writes a call's input to
	ExportFree       = "dnw_free"        // (ptr i32): the host is done with a buffer from dnw_alloc
	ExportConfigure  = "dnw_configure"   // (ptr, len i32) → i64: options JSON in, envelope out
	ExportMetric     = "dnw_metric"      // (ptr, len i32) → i64: metric batch in, envelope with a Score out
	ExportFilter     = "dnw_filter"      // (ptr, len i32) → i64: filter batch in, envelope with verdicts out
)

// Kinds of extension.
const (
	KindMetric = "metric"
	KindFilter = "filter"
)

// Record kinds a filter works on: one per pipeline hook (filters.checkpoints,
// filters.concepts, filters.pairs).
const (
	RecordsCheckpoints = "checkpoints"
	RecordsConcepts    = "concepts"
	RecordsPairs       = "pairs"
)

// Info is an extension's metadata: what dnw_info returns as JSON.
type Info struct {
	ABI         int    `json:"abi"`
	Name        string `json:"name"`    // lowercase; how experiments and reports name it
	Kind        string `json:"kind"`    // KindMetric or KindFilter
	Version     string `json:"version"` // the extension's own version
	Description string `json:"description"`
	// HigherIsBetter is the direction of a metric's score.
	HigherIsBetter bool `json:"higher_is_better,omitempty"`
	// Records is the record kind of a filter.
	Records string `json:"records,omitempty"`
	// OptionsSchema is a JSON Schema of the options object; the host validates an
	// experiment's options against it before configuring the extension. Empty: the
	// extension takes no options.
	OptionsSchema json.RawMessage `json:"options,omitempty"`
	// Options, when set, points to the value the options JSON is decoded into
	// (dnw_configure), usually a struct holding the defaults. Guest side only.
	Options any `json:"-"`
}

// Check reports what is wrong with an Info, naming the field.
func (i Info) Check() error {
	switch {
	case i.ABI != ABIVersion:
		return fmt.Errorf("abi %d, but this host speaks %d", i.ABI, ABIVersion)
	case i.Name == "":
		return fmt.Errorf("no name")
	case i.Kind != KindMetric && i.Kind != KindFilter:
		return fmt.Errorf("kind %q is neither %q nor %q", i.Kind, KindMetric, KindFilter)
	case i.Kind == KindFilter && i.Records != RecordsCheckpoints && i.Records != RecordsConcepts && i.Records != RecordsPairs:
		return fmt.Errorf("filter records %q is none of %q, %q, %q", i.Records, RecordsCheckpoints, RecordsConcepts, RecordsPairs)
	}
	return nil
}

// Pack packs a pointer and a length into the i64 that dnw_info, dnw_configure,
// dnw_metric and dnw_filter return: the pointer in the high 32 bits.
func Pack(ptr, n uint32) uint64 { return uint64(ptr)<<32 | uint64(n) }

// Unpack splits what Pack packed.
func Unpack(v uint64) (ptr, n uint32) { return uint32(v >> 32), uint32(v) }

// The envelope of a call's output: a u32 status, then the result (StatusOK) or an
// error message as a string (StatusError).
const (
	StatusOK    = 0
	StatusError = 1
)

// EncodeOK wraps a result in an envelope.
func EncodeOK(body []byte) []byte {
	w := writer{b: make([]byte, 0, 4+len(body))}
	w.u32(StatusOK)
	w.b = append(w.b, body...)
	return w.b
}

// EncodeError wraps an error message in an envelope.
func EncodeError(msg string) []byte {
	var w writer
	w.u32(StatusError)
	w.str(msg)
	return w.b
}

// GuestError is an error an extension reported itself, through an envelope.
type GuestError struct{ Msg string }

func (e *GuestError) Error() string { return e.Msg }

// DecodeEnvelope returns an envelope's result, or the *GuestError it carries.
func DecodeEnvelope(b []byte) ([]byte, error) {
	r := reader{b: b}
	switch status := r.u32(); {
	case r.err != nil:
		return nil, r.err
	case status == StatusOK:
		return b[4:], nil
	case status == StatusError:
		msg := r.str()
		if err := r.done(); err != nil {
			return nil, err
		}
		return nil, &GuestError{msg}
	default:
		return nil, fmt.Errorf("ext: envelope status %d is neither 0 (ok) nor 1 (error)", status)
	}
}
