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
	if err := c.AddResource("workload-schema.json", v); err != nil {
		return nil, oneLineErr(err)
	}
	s, err := c.Compile("workload-schema.json")
	if err != nil {
		return nil, oneLineErr(err)
	}
	return s, nil
}

// schemaJSON renders a schema given inline in YAML as JSON.
func schemaJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("schema is not representable as JSON: %w", err)
	}
	return b, nil
}

// oneLineErr folds an error's text onto one line.
func oneLineErr(err error) error {
	return fmt.Errorf("%s", strings.Join(strings.Fields(err.Error()), " "))
}
