// Package gguf writes deterministic GGUF v3 files of a small Llama-architecture
// model with seeded random weights, so that tests and the demo can run a real
// model server without downloading any weights. A small reader parses the
// files back for round-trip tests.
//
// The files follow the GGUF v3 layout: magic, version, tensor count, metadata
// count, metadata key/values, tensor infos, padding to general.alignment, then
// the tensor data, each tensor aligned. Weights are f32. The vocabulary is a
// byte-fallback SentencePiece vocabulary whose token strings are all unique
// (a duplicate makes llama.cpp abort on load).
package gguf
