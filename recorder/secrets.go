package recorder

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// CredentialHeaders are the request and response headers whose values are
// credentials (lower case). Any header whose name ends in one of
// credentialSuffixes counts too, and Options.CredentialHeaders adds more.
var CredentialHeaders = []string{"authorization", "proxy-authorization", "api-key", "x-api-key",
	"ocp-apim-subscription-key", "cookie", "set-cookie"}

// CredentialParams are the query parameters (and JSON body fields) whose
// values are credentials (lower case). Any name ending in one of
// credentialSuffixes counts too, and Options.CredentialParams adds more.
var CredentialParams = []string{"key", "api-key", "api_key", "apikey", "token", "access_token",
	"sig", "signature", "password", "secret", "client_secret"}

// credentialSuffixes mark a header, parameter or field name as a credential's.
var credentialSuffixes = []string{"key", "token", "secret", "password", "signature", "credential", "credentials"}

// minSecret is the shortest value treated as a credential: shorter ones
// would scrub ordinary words out of the workload.
const minSecret = 4

// scrubbed replaces a credential wherever it appears.
const scrubbed = "[credential removed]"

// credNames decides which names carry credentials.
type credNames struct{ headers, params map[string]bool }

func newCredNames(extraHeaders, extraParams []string) credNames {
	c := credNames{headers: map[string]bool{}, params: map[string]bool{}}
	for _, h := range append(append([]string(nil), CredentialHeaders...), extraHeaders...) {
		c.headers[strings.ToLower(strings.TrimSpace(h))] = true
	}
	for _, p := range append(append([]string(nil), CredentialParams...), extraParams...) {
		c.params[strings.ToLower(strings.TrimSpace(p))] = true
	}
	return c
}

func hasCredSuffix(lname string) bool {
	for _, s := range credentialSuffixes {
		if strings.HasSuffix(lname, s) {
			return true
		}
	}
	return false
}

func (c credNames) header(name string) bool {
	l := strings.ToLower(name)
	return c.headers[l] || hasCredSuffix(l)
}

func (c credNames) param(name string) bool {
	l := strings.ToLower(name)
	return c.params[l] || hasCredSuffix(l)
}

// secrets is the set of credential values seen in one call, longest
// first, each with the encodings it may reappear in.
type secrets struct{ vals []string }

func (s *secrets) add(v string) {
	v = strings.TrimSpace(v)
	if len(v) < minSecret {
		return
	}
	s.vals = append(s.vals, v, url.QueryEscape(v), url.PathEscape(v))
	if b, err := json.Marshal(v); err == nil {
		s.vals = append(s.vals, strings.Trim(string(b), `"`))
	}
}

// addHeaderValue adds a credential header's value and its parts: the token
// after a scheme ("Bearer X"), a Basic pair and its password, each cookie.
func (s *secrets) addHeaderValue(name, v string) {
	s.add(v)
	if scheme, tok, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
		s.add(tok)
		if strings.EqualFold(scheme, "basic") {
			if dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(tok)); err == nil {
				s.add(string(dec))
				if _, pass, ok := strings.Cut(string(dec), ":"); ok {
					s.add(pass)
				}
			}
		}
	}
	if l := strings.ToLower(name); l == "cookie" || l == "set-cookie" {
		for _, part := range strings.Split(v, ";") {
			if _, val, ok := strings.Cut(part, "="); ok {
				s.add(strings.Trim(strings.TrimSpace(val), `"`))
			}
			if l == "set-cookie" {
				break // the attributes after the first pair are not secret
			}
		}
	}
}

func (s *secrets) addHeaders(c credNames, h http.Header) {
	for k, vs := range h {
		if c.header(k) {
			for _, v := range vs {
				s.addHeaderValue(k, v)
			}
		}
	}
}

func (s *secrets) addURL(c credNames, u *url.URL) {
	if u == nil {
		return
	}
	if p, ok := u.User.Password(); ok {
		s.add(p)
	}
	if u.User != nil {
		s.add(u.User.Username())
	}
	q, _ := url.ParseQuery(u.RawQuery)
	for k, vs := range q {
		if c.param(k) {
			for _, v := range vs {
				s.add(v)
			}
		}
	}
}

// addBody adds every string value of a JSON body (at any depth) whose
// field name is a credential's.
func (s *secrets) addBody(c credNames, body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				if str, ok := v.(string); ok && c.param(k) {
					s.add(str)
					continue
				}
				walk(v)
			}
		case []any:
			for _, v := range t {
				walk(v)
			}
		}
	}
	walk(v)
}

// done sorts the values longest first, so that a value containing another
// is removed whole.
func (s *secrets) done() *secrets {
	sort.SliceStable(s.vals, func(i, j int) bool { return len(s.vals[i]) > len(s.vals[j]) })
	return s
}

// scrub removes every credential value from text.
func (s *secrets) scrub(text string) string {
	if s == nil {
		return text
	}
	for _, v := range s.vals {
		if len(v) >= minSecret && strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, scrubbed)
		}
	}
	return text
}

// safeURL is u without user information or query: what a trace may say
// about where calls went.
func safeURL(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	return c.String()
}
