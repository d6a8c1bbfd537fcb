package modelapi

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tcobench/tcobench/badinput"
)

// Target is a model server to send to: its base URL, the API it speaks
// (one of Kinds) and the model to ask for.
type Target struct {
	URL   string
	API   string
	Model string
	// IgnoreEOS asks OpenAI-compatible servers that support it (vLLM,
	// llama.cpp) to generate exactly the output limit.
	IgnoreEOS bool
	// APIKey is sent as a bearer token (a hosted API). It is never
	// written anywhere: the run record names only the variable it came from.
	APIKey string `json:"-"`
}

// Validate checks the target; errors name the setting.
func (t Target) Validate() error {
	if err := CheckKind(t.API); err != nil {
		return err
	}
	if _, err := ParseTarget(t.URL); err != nil {
		return badinput.Field("target", t.URL, "want an http:// or https:// URL such as http://127.0.0.1:11434")
	}
	if t.Model == "" {
		return badinput.Field("model", nil, "required (the model name the server knows)")
	}
	return nil
}

// CheckKind says whether kind names a supported API.
func CheckKind(kind string) error {
	if slices.Contains(Kinds, kind) {
		return nil
	}
	return badinput.Field("backend", kind, "unknown backend (want one of %s)", strings.Join(Kinds, ", "))
}

// ParseTarget checks a model server's URL and returns its base (scheme and
// host, with any trailing "/" or "/v1" removed). A bare host:port gets http://.
func ParseTarget(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s != "" && !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("target %q: want a URL like http://127.0.0.1:11434", raw)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/v1")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}
