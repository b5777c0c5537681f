// Package pairstore keeps the paired images of every concept in one safetensors file
// (the output of stage pairs): per concept a training and a test set of (source,
// target) batches (N, 3, S, S), float32 in [-1, 1], readable from Python as well.
package pairstore
