package workloads

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// CompileSchema compiles a JSON Schema (draft 2020-12 unless it names
// another with $schema). References to other documents are refused: a
// workload's schemas are self-contained, and nothing is fetched.
func CompileSchema(doc []byte) (*jsonschema.Schema, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{})
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(schemaURL, v); err != nil {
		return nil, schemaErr(err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, schemaErr(err)
	}
	return s, nil
}

// schemaURL names a workload's schema inside the compiler (never fetched).
const schemaURL = "urn:tcobench:workload-schema"

// schemaErr keeps the part of a compile error that says what is wrong:
// the innermost "at 'pointer': reason".
func schemaErr(err error) error {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if i := strings.LastIndex(msg, " - at "); i >= 0 {
		msg = "at " + msg[i+len(" - at "):]
	}
	return fmt.Errorf("%s", msg)
}

// schemaJSON renders a schema given inline in YAML as JSON.
func schemaJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("schema is not representable as JSON: %w", err)
	}
	return b, nil
}
