package load

import (
	"context"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/runrecord"
)

// TestRecordsJoinServerLogByID: every attempt carries a unique request id
// and traceparent (with the same 128 bits), the server logs the id it
// received and answers with it, and the run's records join the server's
// log by id with no record left unmatched on either side.
func TestRecordsJoinServerLogByID(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := fakeserver.New(fakeserver.Options{Tokens: 4, Log: true})
	addr, _, err := srv.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "http://"+addr, 200)
	cfg.Schedule = Closed{Users: 8}
	if _, err := Run(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	logged := map[string]fakeserver.Stamp{}
	for _, s := range srv.Stamps(false) {
		if _, dup := logged[s.RequestID]; dup || s.RequestID == "" {
			t.Fatalf("server log: request id %q missing or repeated", s.RequestID)
		}
		logged[s.RequestID] = s
	}
	atts, err := runrecord.LoadAttempts(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range atts {
		s, ok := logged[a.RequestID]
		if !ok {
			t.Fatalf("attempt %d (request id %q) has no server log entry", a.Seq, a.RequestID)
		}
		delete(logged, a.RequestID)
		trace := strings.ReplaceAll(a.RequestID, "-", "")
		if len(a.Traceparent) != 55 || a.Traceparent[:35] != "00-"+trace || !strings.HasSuffix(a.Traceparent, "-01") {
			t.Fatalf("traceparent %q does not carry request id %q as its trace id", a.Traceparent, a.RequestID)
		}
		if a.ServerRequestID != a.RequestID || a.ResponseID != "chatcmpl-fake" {
			t.Fatalf("attempt %d: server request id %q, response id %q; want %q and chatcmpl-fake", a.Seq, a.ServerRequestID, a.ResponseID, a.RequestID)
		}
		if s.Tokens != 4 || s.ArrivalNS == 0 {
			t.Fatalf("stamp %+v: want the attempt's 4 tokens and its arrival", s)
		}
	}
	if len(atts) != 200 || len(logged) != 0 {
		t.Fatalf("%d attempts, %d server log entries left unmatched; want 200 and none", len(atts), len(logged))
	}
}
