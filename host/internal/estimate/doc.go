// Package estimate tells, before a run, roughly how much memory and time each stage of
// an experiment will take, so that `dnw validate` and `dnw run` can warn about a
// configuration that cannot fit this machine instead of letting it run out of memory
// hours in.
//
// The model is deliberately simple: a few terms per stage (the paired images held,
// the activations of one training step, the parameters with their optimizer state),
// each a product of config keys and a constant measured on the reference machine
// (2 cores, AVX2, arch.e2gan and lora.e2gan-paper at their default options; see the
// constants' comments). It is right to within a few tens of percent for those
// plugins and sizes, and an order-of-magnitude guide for others: a warning means
// "this will not fit", not a precise budget.
package estimate
