package modelapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeServer answers the Ollama native API, the OpenAI-compatible API, or both.
func fakeServer(t *testing.T, ollama, openai bool) string {
	mux := http.NewServeMux()
	if ollama {
		mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"version":"0.17.4"}`)
		})
		mux.HandleFunc("GET /api/tags", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"models":[{"name":"m:latest","size":1048576,"details":{"family":"llama","parameter_size":"8B","quantization_level":"Q4_K_M"}}]}`)
		})
	}
	if openai {
		mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"object":"list","data":[{"id":"m:latest"},{"id":"other"}]}`)
		})
	}
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s.URL
}

func TestProbeTarget(t *testing.T) {
	cases := []struct {
		name           string
		ollama, openai bool
		apis           string
		answers        bool
	}{
		{"both", true, true, "ollama,openai", true},
		{"ollama only", true, false, "ollama", true},
		{"openai only (vLLM, TGI, SGLang)", false, true, "openai", true},
		{"neither", false, false, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := fakeServer(t, c.ollama, c.openai)
			r := ProbeTarget(context.Background(), u+"/v1/", nil)
			if got := strings.Join(r.APIs, ","); got != c.apis || r.Answers != c.answers {
				t.Fatalf("apis %q answers %v, want %q %v (error %q)", got, r.Answers, c.apis, c.answers, r.Error)
			}
			if r.URL != u {
				t.Errorf("URL %q, want %q", r.URL, u)
			}
			if c.ollama && (r.Ollama.Version != "0.17.4" || len(r.Ollama.Models) != 1 || r.Ollama.Models[0].Quantization != "Q4_K_M") {
				t.Errorf("ollama info %+v", r.Ollama)
			}
			if c.openai && len(r.OpenAI.Models) != 2 {
				t.Errorf("openai info %+v", r.OpenAI)
			}
			if !c.answers && !strings.Contains(r.Error, "404") {
				t.Errorf("error %q should say what each API answered", r.Error)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	good := map[string]string{
		"http://127.0.0.1:11434":     "http://127.0.0.1:11434",
		"127.0.0.1:8000":             "http://127.0.0.1:8000",
		"https://gpu-node:8000/v1":   "https://gpu-node:8000",
		"http://h:1/prefix/v1/?x=1":  "http://h:1/prefix",
		" http://127.0.0.1:11434/  ": "http://127.0.0.1:11434",
	}
	for in, want := range good {
		u, err := ParseTarget(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, in := range []string{"", "ftp://h", "http://", "://x"} {
		if _, err := ParseTarget(in); err == nil {
			t.Errorf("ParseTarget(%q): want an error", in)
		}
	}
}
