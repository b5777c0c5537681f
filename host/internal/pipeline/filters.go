package pipeline

import "fmt"

// The dataset's filter hooks: filters.checkpoints (stage collect), filters.concepts
// (stage concepts) and filters.pairs (stage pairs). WASM filter extensions plug into
// the same hooks in a later issue; until then a hook refuses what it cannot run, so
// no experiment silently ignores a filter it names.

// checkpointFilter resolves filters.checkpoints. The native filter "converged" keeps
// checkpoints within collect.epsilon of the concept's best score; WASM filters plug
// into the same hook in a later issue. No filter keeps every checkpoint.
func checkpointFilter(names []string) (bool, error) {
	converged := false
	for _, n := range names {
		if n != "converged" {
			return false, fmt.Errorf("filters.checkpoints: %q is not a built-in filter (built in: converged); WASM filters are not supported yet", n)
		}
		converged = true
	}
	return converged, nil
}

// noFilters refuses any filter at a hook that has no built-in ones.
func noFilters(key string, names []string) error {
	if len(names) > 0 {
		return fmt.Errorf("%s: %q: this hook has no built-in filters, and WASM filters are not supported yet", key, names[0])
	}
	return nil
}
