package pipeline

import (
	"context"
	"encoding/json"
	"fmt"

	"dnw/host/internal/concepts"
	"dnw/host/internal/pairstore"
	"dnw/host/internal/stage"
	"dnw/sdk"
	"dnw/sdk/ext"
)

// The dataset's filter hooks: filters.checkpoints (stage collect), filters.concepts
// (stage concepts) and filters.pairs (stage pairs). Each names WASM filter
// extensions (built-ins such as converged, dedupe-concepts and pair-quality, or
// paths), applied in order, each to the records the ones before it kept.

// applyFilters runs the filters key names over a batch and returns one verdict per
// record: kept when every filter kept it; a dropped record carries the reason of the
// filter that dropped it, prefixed with that filter's name. A filter that fails
// stops the stage, or under extensions.on_error = "continue" keeps what reached it,
// with a warning.
func applyFilters(ctx context.Context, env *stage.Env, key string, refs []string, b ext.Batch) ([]ext.Verdict, error) {
	verdicts := make([]ext.Verdict, b.Len())
	alive := make([]int, b.Len()) // indices into b of the records still kept
	for i := range verdicts {
		verdicts[i].Keep = true
		alive[i] = i
	}
	for _, ref := range refs {
		if len(alive) == 0 {
			break
		}
		x, err := env.Extension(ctx, key, ref)
		var vs []ext.Verdict
		if err == nil {
			vs, err = x.Filter(ctx, subset(b, alive))
		}
		if err != nil {
			if env.Config.Extensions.OnError == "continue" && ctx.Err() == nil {
				env.Log.Warn("filter failed; its records are kept (extensions.on_error = continue)", "key", key, "filter", ref, "err", err)
				continue
			}
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		var still []int
		for j, v := range vs {
			i := alive[j]
			if v.Keep {
				still = append(still, i)
				continue
			}
			verdicts[i] = ext.Verdict{Keep: false, Reason: x.Info.Name + ": " + v.Reason}
		}
		env.Log.Info("filter applied", "key", key, "filter", x.Info.Name, "records", len(alive), "kept", len(still))
		alive = still
	}
	return verdicts, nil
}

// subset is the batch of b's records at indices idx, in that order.
func subset(b ext.Batch, idx []int) ext.Batch {
	switch {
	case b.Checkpoints != nil:
		c := *b.Checkpoints
		c.Records = pickAt(b.Checkpoints.Records, idx)
		return ext.Batch{Checkpoints: &c}
	case b.Pairs != nil:
		p := *b.Pairs
		p.Records = pickAt(b.Pairs.Records, idx)
		return ext.Batch{Pairs: &p}
	default:
		return ext.Batch{Concepts: pickAt(b.Concepts, idx)}
	}
}

// pickAt is xs[i] for each i of idx, in idx's order.
func pickAt[T any](xs []T, idx []int) []T {
	out := make([]T, len(idx))
	for j, i := range idx {
		out[j] = xs[i]
	}
	return out
}

// droppedRecord is one record a filter dropped, in a stage's dropped.json.
type droppedRecord struct {
	Concept string `json:"concept"`
	Pair    *int   `json:"pair,omitempty"` // the training pair's index, for filters.pairs
	Reason  string `json:"reason"`
}

// writeDropped writes dropped.json: what the stage's filters dropped, and why.
func writeDropped(env *stage.Env, dropped []droppedRecord) error {
	if dropped == nil {
		dropped = []droppedRecord{}
	}
	data, err := json.MarshalIndent(dropped, "", "  ")
	if err != nil {
		return err
	}
	return env.WriteFile("dropped.json", append(data, '\n'))
}

// filterConcepts applies filters.concepts to the catalogue. The filters see every
// concept's prompts and the text encoder's embedding of its first prompt.
func filterConcepts(ctx context.Context, env *stage.Env, cat concepts.Catalogue) (concepts.Catalogue, []droppedRecord, error) {
	refs := env.Config.Filters.Concepts
	if len(refs) == 0 {
		return cat, nil, nil
	}
	p, opts, err := env.Plugin(ctx, "weightgen.text_encoder")
	if err != nil {
		return cat, nil, err
	}
	first := make([]string, len(cat.Concepts))
	for i, k := range cat.Concepts {
		first[i] = k.Prompts[0]
	}
	emb, err := p.(sdk.TextEncoder).Encode(ctx, first, opts)
	if err != nil {
		return cat, nil, fmt.Errorf("weightgen.text_encoder: %w", err)
	}
	batch := make([]ext.Concept, len(cat.Concepts))
	for i, k := range cat.Concepts {
		batch[i] = ext.Concept{ID: k.ID, Prompts: k.Prompts, Embedding: emb.Data[i*emb.Dim : (i+1)*emb.Dim]}
	}
	verdicts, err := applyFilters(ctx, env, "filters.concepts", refs, ext.Batch{Concepts: batch})
	if err != nil {
		return cat, nil, err
	}
	var dropped []droppedRecord
	kept := cat
	kept.Concepts = nil
	for i, v := range verdicts {
		if v.Keep {
			kept.Concepts = append(kept.Concepts, cat.Concepts[i])
			continue
		}
		dropped = append(dropped, droppedRecord{Concept: cat.Concepts[i].ID, Reason: v.Reason})
		env.Log.Info("concept dropped", "concept", cat.Concepts[i].ID, "reason", v.Reason)
	}
	if len(kept.Train()) == 0 || len(kept.Heldout()) == 0 {
		return cat, nil, fmt.Errorf("filters.concepts left %d training and %d held-out concepts; the pipeline needs at least one of each",
			len(kept.Train()), len(kept.Heldout()))
	}
	return kept, dropped, nil
}

// filterPairs applies filters.pairs to one concept's training pairs (one call per
// concept keeps a call's input to a few MiB).
func filterPairs(ctx context.Context, env *stage.Env, concept string, train pairstore.Set) (pairstore.Set, []droppedRecord, error) {
	refs := env.Config.Filters.Pairs
	if len(refs) == 0 {
		return train, nil, nil
	}
	batch := ext.Pairs{C: 3, H: train.Size, W: train.Size}
	for i := range train.N {
		src, tgt := train.Pair(i)
		batch.Records = append(batch.Records, ext.Pair{Concept: concept, Index: i, Source: src, Target: tgt})
	}
	verdicts, err := applyFilters(ctx, env, "filters.pairs", refs, ext.Batch{Pairs: &batch})
	if err != nil {
		return train, nil, err
	}
	kept := pairstore.Set{Size: train.Size}
	var dropped []droppedRecord
	for i, v := range verdicts {
		if v.Keep {
			src, tgt := train.Pair(i)
			kept.Source = append(kept.Source, src...)
			kept.Target = append(kept.Target, tgt...)
			kept.N++
			continue
		}
		dropped = append(dropped, droppedRecord{Concept: concept, Pair: &i, Reason: v.Reason})
	}
	if kept.N == 0 {
		return train, nil, fmt.Errorf("filters.pairs dropped every training pair of concept %s (first reason: %s)", concept, dropped[0].Reason)
	}
	if len(dropped) > 0 {
		env.Log.Info("pairs dropped", "concept", concept, "dropped", len(dropped), "kept", kept.N)
	}
	return kept, dropped, nil
}
