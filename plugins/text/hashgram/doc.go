// Package hashgram is the text encoder text.hashgram: a deterministic, weightless
// prompt embedding built by feature hashing (Weinberger et al., "Feature Hashing for
// Large Scale Multitask Learning", ICML 2009) of word unigrams, word bigrams and the
// character n-grams of each word with boundary markers (Bojanowski et al., "Enriching
// Word Vectors with Subword Information", TACL 2017, §3.2), L2-normalized.
//
// Prompts that share words land near each other, and so do spelling variants
// ("sketch", "sketched") through their shared n-grams, with nothing to train or
// download. Gong et al. (ECCV 2024) condition their weight generator on an embedding of
// the concept's prompt, fed to its transformer blocks; this is a dependency-free
// embedding for that role that knows spelling, not meaning.
package hashgram
