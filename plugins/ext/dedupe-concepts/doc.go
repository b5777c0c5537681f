// Command dedupe-concepts is dnw's built-in concept filter (filters.concepts) as a
// WASM extension: it drops a concept whose prompt embedding has cosine similarity
// above a threshold with a concept kept before it, in catalogue order: the paper's
// removal of redundant concepts before collecting weights (two concepts that alike
// would be one training target twice).
package main
