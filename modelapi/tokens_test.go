package modelapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// PromptTokens takes a target as every other request does (a "/v1" base
// is the API root, not a prefix to repeat), sends the API key, and keeps
// the key out of its error even when the server echoes it.
func TestPromptTokensTargetAndKey(t *testing.T) {
	const key = "sk-tokens-0123456789SECRET"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+key {
			http.Error(w, "bad key "+r.Header.Get("Authorization"), http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `{"usage":{"prompt_tokens":17}}`)
	}))
	defer srv.Close()
	for _, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/v1", srv.URL + "/v1/"} {
		n, err := PromptTokens(context.Background(), Target{URL: base, API: KindOpenAIChat, Model: "m", APIKey: key}, srv.Client(), "hello")
		if err != nil || n != 17 {
			t.Errorf("%s: %d tokens, %v; want 17", base, n, err)
		}
	}
	_, err := PromptTokens(context.Background(), Target{URL: srv.URL, API: KindOpenAIChat, Model: "m", APIKey: key + "x"}, srv.Client(), "hello")
	if err == nil || strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong key: %v; want a 401 without the key", err)
	}
}
