package gguf

import "fmt"

// Token types of tokenizer.ggml.token_type (llama.cpp's llama_token_type).
const (
	tokNormal  = 1
	tokUnknown = 2
	tokControl = 3
	tokByte    = 6
)

// Special token ids.
const (
	unkID = 0
	bosID = 1
	eosID = 2
)

// commonWords become whole-word pieces, so that English text takes roughly
// one to two tokens a word, as with real tokenizers.
var commonWords = []string{
	"the", "and", "for", "you", "that", "with", "this", "your", "have", "are",
	"not", "can", "will", "from", "order", "account", "customer", "please",
	"thank", "thanks", "help", "issue", "ticket", "refund", "payment", "card",
	"email", "contract", "clause", "shall", "party", "agreement", "support",
	"service", "request", "reply", "would", "could", "should", "about", "there",
	"their", "which", "what", "when", "where", "time", "date", "number", "name",
	"team", "policy", "bank", "balance", "transfer", "fee", "credit", "debit",
	"user", "assistant", "system", "tool", "call", "result", "answer", "question",
}

type token struct {
	text  string
	score float32
	typ   int32
}

// vocabulary returns the model's tokens: <unk>, <s>, </s>, the 256 byte
// tokens, printable ASCII characters, "▁"-prefixed and plain letter pairs, and
// whole common words with their prefixes. Every string is unique.
func vocabulary() []token {
	toks := []token{{"<unk>", 0, tokUnknown}, {"<s>", 0, tokControl}, {"</s>", 0, tokControl}}
	for b := 0; b < 256; b++ {
		toks = append(toks, token{fmt.Sprintf("<0x%02X>", b), 0, tokByte})
	}
	seen := map[string]bool{}
	for _, t := range toks {
		seen[t.text] = true
	}
	add := func(s string) {
		if seen[s] {
			return
		}
		seen[s] = true
		// Longer pieces merge first; among equals, earlier ones win.
		score := float32(len([]rune(s))) - float32(len(toks))*1e-4
		toks = append(toks, token{s, score, tokNormal})
	}
	add("▁")
	for c := '!'; c <= '~'; c++ {
		add(string(c))
	}
	for a := 'a'; a <= 'z'; a++ {
		add("▁" + string(a))
		for b := 'a'; b <= 'z'; b++ {
			add(string(a) + string(b))
		}
	}
	for _, w := range commonWords {
		r := []rune("▁" + w)
		for i := 3; i <= len(r); i++ {
			add(string(r[:i]))
		}
	}
	return toks
}
