package perf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/buger/jsonparser"

	"github.com/tcobench/tcobench/bench/record"
)

// errUnknown sends a line the fast decoder does not know to encoding/json.
var errUnknown = errors.New("unknown field")

// decodeAttempt is a prototype of a hand-written requests.jsonl line
// decoder (docs/performance.md, item 4): one pass over the object.
func decodeAttempt(b []byte, a *record.Attempt) error {
	*a = record.Attempt{ChunkNS: a.ChunkNS[:0], ChunkTokens: a.ChunkTokens[:0]}
	return jsonparser.ObjectEach(b, func(k, v []byte, t jsonparser.ValueType, _ int) error {
		var err error
		switch string(k) {
		case "seq":
			a.Seq, err = jsonparser.ParseInt(v)
		case "task_id":
			a.TaskID, err = jsonparser.ParseString(v)
		case "task_name":
			a.TaskName, err = jsonparser.ParseString(v)
		case "step_id":
			a.StepID, err = jsonparser.ParseString(v)
		case "step_index":
			a.StepIndex, err = parseInt(v)
		case "phase":
			a.Phase, err = jsonparser.ParseString(v)
		case "backend":
			a.Backend, err = jsonparser.ParseString(v)
		case "model":
			a.Model, err = jsonparser.ParseString(v)
		case "scheduled_ns":
			a.ScheduledNS, err = jsonparser.ParseInt(v)
		case "queued_ns":
			a.QueuedNS, err = jsonparser.ParseInt(v)
		case "sent_ns":
			a.SentNS, err = jsonparser.ParseInt(v)
		case "headers_ns":
			a.HeadersNS, err = jsonparser.ParseInt(v)
		case "first_token_ns":
			a.FirstTokenNS, err = jsonparser.ParseInt(v)
		case "first_content_ns":
			a.FirstContentNS, err = jsonparser.ParseInt(v)
		case "end_ns":
			a.EndNS, err = jsonparser.ParseInt(v)
		case "chunk_ns":
			_, err = jsonparser.ArrayEach(v, func(x []byte, _ jsonparser.ValueType, _ int, _ error) {
				n, _ := jsonparser.ParseInt(x)
				a.ChunkNS = append(a.ChunkNS, n)
			})
		case "chunk_tokens":
			_, err = jsonparser.ArrayEach(v, func(x []byte, _ jsonparser.ValueType, _ int, _ error) {
				n, _ := jsonparser.ParseInt(x)
				a.ChunkTokens = append(a.ChunkTokens, int(n))
			})
		case "ok":
			a.OK, err = jsonparser.ParseBoolean(v)
		case "error_class":
			a.ErrorClass, err = jsonparser.ParseString(v)
		case "error":
			a.Error, err = jsonparser.ParseString(v)
		case "http_status":
			a.HTTPStatus, err = parseInt(v)
		case "finish_reason":
			a.FinishReason, err = jsonparser.ParseString(v)
		case "tokens":
			err = json.Unmarshal(v, &a.Tokens) // small; a fast path would walk it too
		default:
			return errUnknown
		}
		return err
	})
}

func parseInt(v []byte) (int, error) {
	n, err := jsonparser.ParseInt(v)
	return int(n), err
}

// BenchmarkAttemptDecode compares encoding/json with the prototype
// decoder on lines of a synthetic run (16 tokens per attempt).
func BenchmarkAttemptDecode(b *testing.B) {
	dir := b.TempDir()
	if err := SyntheticRun(dir, 2000, 1, 1); err != nil {
		b.Fatal(err)
	}
	lines := readLines(b, filepath.Join(dir, record.RequestsFile))
	b.Run("encoding-json", func(b *testing.B) {
		for i := range b.N {
			var a record.Attempt
			if err := json.Unmarshal(lines[i%len(lines)], &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prototype", func(b *testing.B) {
		var a record.Attempt
		for i := range b.N {
			if err := decodeAttempt(lines[i%len(lines)], &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestAttemptDecodeSame(t *testing.T) {
	dir := t.TempDir()
	if err := SyntheticRun(dir, 50, 1, 1); err != nil {
		t.Fatal(err)
	}
	for _, l := range readLines(t, filepath.Join(dir, record.RequestsFile)) {
		var want, got record.Attempt
		if err := json.Unmarshal(l, &want); err != nil {
			t.Fatal(err)
		}
		if err := decodeAttempt(l, &got); err != nil {
			t.Fatal(err)
		}
		w, _ := json.Marshal(&want)
		g, _ := json.Marshal(&got)
		if !bytes.Equal(w, g) {
			t.Fatalf("decoded differently:\n%s\n%s", w, g)
		}
	}
}

func readLines(tb testing.TB, path string) [][]byte {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	return out
}
