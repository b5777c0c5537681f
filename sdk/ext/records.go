package ext

import "fmt"

// A filter batch is the records of one hook: u32 record kind, then that kind's
// header and records (ABI.md, "dnw_filter"). Record kinds on the wire:
const (
	wireCheckpoints = 1
	wireConcepts    = 2
	wirePairs       = 3
)

// Checkpoint is one collected LoRA checkpoint of a concept (hook
// filters.checkpoints): its fine-tune step, the primary metric there, and the
// concept's best metric over its fine-tune.
type Checkpoint struct {
	Concept string
	Step    int
	Metric  float64
	Best    float64
}

// Checkpoints is a filters.checkpoints batch: the checkpoints and the primary
// metric they were scored with.
type Checkpoints struct {
	Metric         string
	HigherIsBetter bool
	Records        []Checkpoint
}

// Concept is one concept of the catalogue (hook filters.concepts): its id, its
// prompts and the text encoder's embedding of its first prompt.
type Concept struct {
	ID        string
	Prompts   []string
	Embedding []float32
}

// Pair is one image pair of a concept (hook filters.pairs): the source and the
// edited target, each (C, H, W) in [-1, 1].
type Pair struct {
	Concept        string
	Index          int
	Source, Target []float32
}

// Pairs is a filters.pairs batch: pairs whose images all have shape (C, H, W).
type Pairs struct {
	C, H, W int
	Records []Pair
}

// Verdict is a filter's decision on one record.
type Verdict struct {
	Keep   bool
	Reason string // why, in a few words; shown in the stage's log and outputs
}

// Batch is the input of a filter call: exactly one of its fields is set.
type Batch struct {
	Checkpoints *Checkpoints
	Concepts    []Concept
	Pairs       *Pairs
}

// Records is the record kind of the batch (RecordsCheckpoints, ...).
func (b Batch) Records() string {
	switch {
	case b.Checkpoints != nil:
		return RecordsCheckpoints
	case b.Pairs != nil:
		return RecordsPairs
	default:
		return RecordsConcepts
	}
}

// Len is the number of records.
func (b Batch) Len() int {
	switch {
	case b.Checkpoints != nil:
		return len(b.Checkpoints.Records)
	case b.Pairs != nil:
		return len(b.Pairs.Records)
	default:
		return len(b.Concepts)
	}
}

// EncodeBatch encodes a filter batch:
//
//	checkpoints: u32 1, string metric, u32 higher_is_better, u32 count,
//	             count × (string concept, i64 step, f64 metric, f64 best)
//	concepts:    u32 2, u32 count,
//	             count × (string id, u32 P, P × string prompt, u32 D, D × f32 embedding)
//	pairs:       u32 3, u32 C, u32 H, u32 W, u32 count,
//	             count × (string concept, i64 index, C·H·W × f32 source, C·H·W × f32 target)
func EncodeBatch(b Batch) ([]byte, error) {
	var w writer
	switch {
	case b.Checkpoints != nil:
		w.u32(wireCheckpoints)
		w.str(b.Checkpoints.Metric)
		w.bool(b.Checkpoints.HigherIsBetter)
		w.u32(uint32(len(b.Checkpoints.Records)))
		for _, c := range b.Checkpoints.Records {
			w.str(c.Concept)
			w.i64(int64(c.Step))
			w.f64(c.Metric)
			w.f64(c.Best)
		}
	case b.Pairs != nil:
		p := b.Pairs
		w.u32(wirePairs)
		w.u32(uint32(p.C))
		w.u32(uint32(p.H))
		w.u32(uint32(p.W))
		w.u32(uint32(len(p.Records)))
		for _, r := range p.Records {
			if len(r.Source) != p.C*p.H*p.W || len(r.Target) != len(r.Source) {
				return nil, fmt.Errorf("ext: pair %s/%d has %d and %d values, want (%d, %d, %d)",
					r.Concept, r.Index, len(r.Source), len(r.Target), p.C, p.H, p.W)
			}
			w.str(r.Concept)
			w.i64(int64(r.Index))
			w.floats(r.Source)
			w.floats(r.Target)
		}
	default:
		w.u32(wireConcepts)
		w.u32(uint32(len(b.Concepts)))
		for _, c := range b.Concepts {
			w.str(c.ID)
			w.u32(uint32(len(c.Prompts)))
			for _, p := range c.Prompts {
				w.str(p)
			}
			w.u32(uint32(len(c.Embedding)))
			w.floats(c.Embedding)
		}
	}
	return w.b, nil
}

// DecodeBatch decodes what EncodeBatch encoded.
func DecodeBatch(in []byte) (Batch, error) {
	r := reader{b: in}
	var b Batch
	switch kind := r.u32(); kind {
	case wireCheckpoints:
		c := &Checkpoints{Metric: r.str(), HigherIsBetter: r.bool()}
		for n := r.count(28); n > 0 && r.err == nil; n-- {
			c.Records = append(c.Records, Checkpoint{Concept: r.str(), Step: int(r.i64()), Metric: r.f64(), Best: r.f64()})
		}
		b.Checkpoints = c
	case wireConcepts:
		b.Concepts = []Concept{}
		for n := r.count(12); n > 0 && r.err == nil; n-- {
			c := Concept{ID: r.str()}
			for p := r.count(4); p > 0 && r.err == nil; p-- {
				c.Prompts = append(c.Prompts, r.str())
			}
			c.Embedding = r.floats(r.count(4))
			b.Concepts = append(b.Concepts, c)
		}
	case wirePairs:
		d := r.dims(3)
		p := &Pairs{C: d[0], H: d[1], W: d[2]}
		size := p.C * p.H * p.W
		for n := r.count(12 + 8*size); n > 0 && r.err == nil; n-- {
			p.Records = append(p.Records, Pair{Concept: r.str(), Index: int(r.i64()), Source: r.floats(size), Target: r.floats(size)})
		}
		b.Pairs = p
	default:
		if r.err == nil {
			return b, fmt.Errorf("ext: unknown record kind %d", kind)
		}
	}
	return b, r.done()
}

// EncodeVerdicts encodes a filter's result: u32 count, count × (u32 keep, string reason).
func EncodeVerdicts(vs []Verdict) []byte {
	var w writer
	w.u32(uint32(len(vs)))
	for _, v := range vs {
		w.bool(v.Keep)
		w.str(v.Reason)
	}
	return w.b
}

// DecodeVerdicts decodes what EncodeVerdicts encoded.
func DecodeVerdicts(b []byte) ([]Verdict, error) {
	r := reader{b: b}
	var vs []Verdict
	for n := r.count(8); n > 0 && r.err == nil; n-- {
		vs = append(vs, Verdict{Keep: r.bool(), Reason: r.str()})
	}
	return vs, r.done()
}
