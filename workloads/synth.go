package workloads

import (
	"math"
	"math/rand/v2"
	"strings"
)

// EstimatedTokensPerChar is the ratio used for synthesised text when no
// calibration exists (an assumption, not a measurement): one token for each
// word of synthWords plus one for each sentence's period, about 25 tokens per
// 170 characters, which is what the BPE vocabularies of common open models
// give for these frequent words. A byte-level tokenizer needs more (the
// tcobench test model measures 0.26): calibrate.
const EstimatedTokensPerChar = 0.15

// BlockTokens is the size of a Mooncake prompt block (hash_ids).
const BlockTokens = 512

// synthWords is the vocabulary of synthesised text. Every sentence is a
// seeded permutation of all of these words, so every sentence has the same
// token count under any tokenizer that splits at spaces (as BPE and
// SentencePiece vocabularies do): the tokens-per-char ratio of synthesised
// text is then nearly the same for every seed and length, which is what lets
// one calibration hold within 5%.
var synthWords = strings.Fields(`the account customer please service request payment
balance transfer policy support number about would should which report office
market review update design offer plan`)

// SynthText returns deterministic text of about tokens tokens for the given
// tokens-per-char ratio: the same (seed, tokens, ratio) always gives the same
// bytes, and for one seed a shorter text is a prefix of a longer one.
func SynthText(seed uint64, tokens int, tokensPerChar float64) string {
	if tokens <= 0 {
		return ""
	}
	if !(tokensPerChar > 0) {
		tokensPerChar = EstimatedTokensPerChar
	}
	chars := int(math.Round(float64(tokens) / tokensPerChar))
	return synthChars(seed, chars)
}

// synthChars returns the first n bytes of the sentence stream for seed.
func synthChars(seed uint64, n int) string {
	if n <= 0 {
		return ""
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	words := append([]string(nil), synthWords...)
	var b strings.Builder
	b.Grow(n + 256)
	for b.Len() < n {
		r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.Join(words, " "))
		b.WriteByte('.')
	}
	return b.String()[:n]
}

// BlockText returns the text of prompt block id (Mooncake hash_ids): equal ids
// give byte-identical text, so prefix caches see the recorded reuse. tokens
// below BlockTokens gives a prefix of the full block.
func BlockText(id int64, tokens int, tokensPerChar float64) string {
	return SynthText(mix(0xb10c, uint64(id)), tokens, tokensPerChar)
}

// BlocksText concatenates the blocks of hash_ids for a prompt of
// promptTokens tokens: full blocks, the last one cut to what remains.
func BlocksText(ids []int64, promptTokens int, tokensPerChar float64) string {
	var b strings.Builder
	left := promptTokens
	for i, id := range ids {
		n := BlockTokens
		if i == len(ids)-1 || left < n {
			n = left
		}
		if n <= 0 {
			break
		}
		b.WriteString(BlockText(id, n, tokensPerChar))
		left -= n
	}
	if left > 0 {
		b.WriteString(SynthText(mix(0xb10c, uint64(len(ids)), uint64(promptTokens)), left, tokensPerChar))
	}
	return b.String()
}

// mix derives a 64-bit seed from several values (splitmix64 steps).
func mix(vals ...uint64) uint64 {
	h := uint64(0x243f6a8885a308d3)
	for _, v := range vals {
		h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
		h ^= h >> 30
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 27
		h *= 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

// rngFor returns a generator for the given seed path.
func rngFor(vals ...uint64) *rand.Rand {
	s := mix(vals...)
	return rand.New(rand.NewPCG(s, mix(s)))
}
