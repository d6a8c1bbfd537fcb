package gguf

// typeSizes gives each GGML tensor type's block: bytes per block and values
// per block (llama.cpp's ggml_type_traits). Types not listed are unknown.
var typeSizes = map[uint32][2]uint64{
	0: {4, 1}, 1: {2, 1}, 2: {18, 32}, 3: {20, 32}, 6: {22, 32}, 7: {24, 32}, 8: {34, 32}, 9: {36, 32},
	10: {84, 256}, 11: {110, 256}, 12: {144, 256}, 13: {176, 256}, 14: {210, 256}, 15: {292, 256},
	16: {66, 256}, 17: {74, 256}, 18: {98, 256}, 19: {50, 256}, 20: {18, 32}, 21: {110, 256},
	22: {82, 256}, 23: {136, 256}, 24: {1, 1}, 25: {2, 1}, 26: {4, 1}, 27: {8, 1}, 28: {8, 1},
	29: {56, 256}, 30: {2, 1}, 34: {54, 256}, 35: {66, 256}, 39: {17, 32},
}

// Bytes is the size of the tensor's data, and false when its type is unknown.
func (t TensorInfo) Bytes() (uint64, bool) {
	s, ok := typeSizes[t.Type]
	if !ok {
		return 0, false
	}
	return (t.Elems() + s[1] - 1) / s[1] * s[0], true
}
