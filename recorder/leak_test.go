package recorder

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/workloads"
)

// plantedSecrets are credentials in every place a request, the upstream
// URL and the upstream's reply carry them. Each starts with "SECRET" and has
// characters that URL and JSON escaping change.
var plantedSecrets = map[string]string{
	"authorization":    "SECRET-bearer-1/+=",
	"proxy-auth pass":  "SECRET-proxy-2",
	"api-key":          "SECRET-azure-3",
	"x-api-key":        "SECRET-x-4",
	"ocp-apim":         "SECRET-apim-5",
	"cookie":           "SECRET-cookie-6",
	"named header":     "SECRET-named-7",
	"query key":        "SECRET-q-key-8 &",
	"query api-key":    "SECRET-q-apikey-9",
	"query api_key":    "SECRET-q-api_key-10",
	"query token":      "SECRET-q-token-11",
	"query access":     "SECRET-q-access-12",
	"query sig":        "SECRET-q-sig-13",
	"query signature":  "SECRET-q-signature-14",
	"named param":      "SECRET-q-named-15",
	"body api_key":     "SECRET-body-16",
	"body nested":      "SECRET-body-nested-17",
	"upstream query":   "SECRET-upstream-18",
	"upstream pass":    "SECRET-upstream-pass-19",
	"reply set-cookie": "SECRET-set-cookie-20",
}

// echoUpstream answers each call by echoing everything it was sent (the
// headers, the URL, the body) in the way named by the task header: as the
// streamed output, as an error body, or by cutting the connection.
func echoUpstream(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		echo := fmt.Sprintf("url %s headers %v body %s cookie %s", r.URL.String(), r.Header, body, plantedSecrets["reply set-cookie"])
		esc, _ := jsonString(echo)
		w.Header().Set("Set-Cookie", "sid="+plantedSecrets["reply set-cookie"]+"; Path=/; HttpOnly")
		switch r.Header.Get(TaskHeader) {
		case "error":
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":{"message":%s}}`, esc)
		case "plain-error":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, echo)
		case "cut":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		default:
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: {\"choices\":[{\"delta\":{\"content\":%s}}]}\n\n", esc)
			fmt.Fprint(w, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n")
		}
	}))
}

func jsonString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

// TestNoCredentialReachesTheTrace plants a credential in every place one
// travels (request headers, query parameters, body fields, the upstream
// URL, the upstream's streamed reply and Set-Cookie, an upstream error
// body, a transport error carrying the URL) and finds none in any file the
// proxy writes, with and without redaction; message text without a
// credential is kept unless redacted.
func TestNoCredentialReachesTheTrace(t *testing.T) {
	for _, redact := range []bool{false, true} {
		t.Run(fmt.Sprint("redact=", redact), func(t *testing.T) {
			up := echoUpstream(t)
			defer up.Close()
			s := plantedSecrets
			upURL, _ := url.Parse(up.URL + "/?key=" + url.QueryEscape(s["upstream query"]))
			upURL.User = url.UserPassword("proxyuser", s["upstream pass"])
			dir := t.TempDir()
			f, err := os.Create(filepath.Join(dir, "trace.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			rec, err := New(Options{Upstream: upURL, Out: f, Redact: redact, Name: "leak",
				CredentialHeaders: []string{"X-Tenant-Auth"}, CredentialParams: []string{"tenant_pass"}})
			if err != nil {
				t.Fatal(err)
			}
			proxy := httptest.NewServer(rec)
			defer proxy.Close()
			q := url.Values{"key": {s["query key"]}, "api-key": {s["query api-key"]}, "api_key": {s["query api_key"]},
				"token": {s["query token"]}, "access_token": {s["query access"]}, "sig": {s["query sig"]},
				"signature": {s["query signature"]}, "tenant_pass": {s["named param"]}, "api-version": {"2024-10-21"}}
			body := fmt.Sprintf(`{"model":"m","api_key":%q,"metadata":{"auth":{"client_secret":%q}},"messages":[{"role":"user","content":"hello world, my key is %s"}]}`,
				s["body api_key"], s["body nested"], s["x-api-key"])
			hdr := map[string]string{
				"Authorization":             "Bearer " + s["authorization"],
				"Proxy-Authorization":       "Basic " + base64.StdEncoding.EncodeToString([]byte("me:"+s["proxy-auth pass"])),
				"api-key":                   s["api-key"],
				"X-Api-Key":                 s["x-api-key"],
				"Ocp-Apim-Subscription-Key": s["ocp-apim"],
				"Cookie":                    "lang=en; session=" + s["cookie"],
				"X-Tenant-Auth":             s["named header"],
			}
			for _, task := range []string{"stream", "error", "plain-error", "cut"} {
				req, _ := http.NewRequest(http.MethodPost, proxy.URL+"/v1/chat/completions?"+q.Encode(), strings.NewReader(body))
				req.Header.Set(TaskHeader, task)
				for k, v := range hdr {
					req.Header.Set(k, v)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			waitCalls(t, rec, 4)
			f.Close()
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				if i := strings.Index(string(b), "SECRET"); i >= 0 {
					t.Fatalf("%s holds a credential at byte %d: ...%s...", e.Name(), i, b[max(i-80, 0):min(i+40, len(b))])
				}
				if strings.Contains(string(b), "proxyuser") {
					t.Fatalf("%s holds the upstream URL's user", e.Name())
				}
			}
			raw, _ := os.ReadFile(filepath.Join(dir, "trace.jsonl"))
			tr := readTrace(t, string(raw))
			byTask := map[string]workloads.Call{}
			for _, c := range tr.Calls {
				byTask[c.Task] = c
			}
			if c := byTask["stream"]; !redact && (c.Messages[0].Content != "hello world, my key is "+scrubbed || !strings.Contains(c.Output, "api-version")) {
				t.Errorf("message or output text lost: %+v", c)
			}
			if c := byTask["cut"]; c.Error == "" || c.Status != http.StatusBadGateway {
				t.Errorf("transport error not recorded: %+v", c)
			}
			if c := byTask["error"]; c.Status != http.StatusUnauthorized || c.Error == "" {
				t.Errorf("upstream error not recorded: %+v", c)
			}
		})
	}
}

// TestHungCallHoldsBackNothing: with one upstream call that never answers
// and five that do, the five are in the trace as soon as they finish; when
// the recording is stopped the way Ctrl-C stops it (Serve's context
// canceled), the hung call is written marked unfinished and counted lost.
func TestHungCallHoldsBackNothing(t *testing.T) {
	release, hungArrived := make(chan struct{}), make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(TaskHeader) == "hung" {
			close(hungArrived)
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		fmt.Fprint(w, `{"choices":[{"message":{"content":"ok"}}],"usage":{"prompt_tokens":2,"completion_tokens":1}}`)
	}))
	defer up.Close()
	defer close(release)
	u, _ := url.Parse(up.URL)
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := New(Options{Upstream: u, Out: f})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	type result struct {
		st  Stats
		err error
	}
	served := make(chan result, 1)
	go func() {
		st, err := rec.Serve(ctx, ln, 200*time.Millisecond)
		served <- result{st, err}
	}()
	base := "http://" + ln.Addr().String()
	go func() {
		req, _ := http.NewRequest(http.MethodPost, base+"/v1/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"wait"}]}`))
		req.Header.Set(TaskHeader, "hung")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-hungArrived // the hung call arrives first
	for i := 0; i < 5; i++ {
		req, _ := http.NewRequest(http.MethodPost, base+"/v1/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"q"}]}`))
		req.Header.Set(TaskHeader, fmt.Sprint("answered-", i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	waitCalls(t, rec, 5) // written while the hung call is still open
	stop()
	var res result
	select {
	case res = <-served:
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy did not stop")
	}
	if res.err != nil || res.st.Calls != 5 || res.st.Unfinished != 1 || res.st.Lost() != 1 {
		t.Fatalf("stats %+v (lost %d), err %v; want 5 calls, 1 unfinished", res.st, res.st.Lost(), res.err)
	}
	raw, _ := os.ReadFile(path)
	tr := readTrace(t, string(raw))
	if len(tr.Calls) != 6 || tr.Calls[0].Task != "hung" || tr.Calls[0].Error != UnfinishedError || tr.Calls[0].Status != 0 {
		t.Fatalf("trace (arrival order): %+v", tr.Calls)
	}
	for _, c := range tr.Calls[1:] {
		if c.Status != 200 || c.Output != "ok" {
			t.Errorf("answered call %+v", c)
		}
	}
}

// TestBodyLimit: a request body over the limit is answered 413 with the
// limit, not forwarded, not held in memory beyond the limit, and counted lost.
func TestBodyLimit(t *testing.T) {
	called := false
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true }))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	var out syncBuffer
	rec, err := New(Options{Upstream: u, Out: &out, MaxBodyBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(rec)
	defer proxy.Close()
	big := `{"model":"m","messages":[{"role":"user","content":"` + strings.Repeat("x", 2<<20) + `"}]}`
	resp := post(t, proxy.URL, "big", big, nil)
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(msg), "limit of 1 MiB") || called {
		t.Fatalf("status %d %q, upstream called %v", resp.StatusCode, msg, called)
	}
	if st := rec.Stop(); st.Refused != 1 || st.Lost() != 1 || st.Calls != 0 {
		t.Fatalf("stats %+v", st)
	}
}
