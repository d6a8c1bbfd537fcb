package modelapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// authorize sets the bearer token of a hosted API.
func authorize(req *http.Request, key string) {
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
}

// Redacted stands in for an API key in any text tcobench keeps.
const Redacted = "[redacted]"

// redactKey removes key from s: whole, and a piece of it of 6 bytes or more
// where a cut (an error text limited in length) left one at the end.
func redactKey(s, key string) string {
	if key == "" || s == "" {
		return s
	}
	s = strings.ReplaceAll(s, key, Redacted)
	for n := len(key) - 1; n >= 6; n-- {
		if strings.HasSuffix(s, key[:n]) {
			return s[:len(s)-n] + Redacted
		}
	}
	return s
}

// redact removes the API key from what the attempt keeps of the server's words.
func (o *Options) redact(a *runrecord.Attempt) {
	a.Error = redactKey(a.Error, o.APIKey)
}

// Reachable says whether a model server answers at t's URL at all (any HTTP
// status counts): nil, or an error saying why not, without the API key.
// A run probes its judge backends with it before sending anything.
func Reachable(ctx context.Context, t Target) error {
	u, err := ParseTarget(t.URL)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	path := "/v1/models"
	if t.API == KindOllama {
		path = "/api/version"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String()+path, nil)
	if err != nil {
		return err
	}
	authorize(req, t.APIKey)
	resp, err := (&http.Client{Transport: newTransport(0, false)}).Do(req)
	if err != nil {
		var ne *net.OpError
		if errors.As(err, &ne) {
			err = ne
		}
		return fmt.Errorf("%s does not answer: %s", u, redactKey(short(err), t.APIKey))
	}
	resp.Body.Close()
	return nil
}
