package workloads

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"text/template"
)

// checkState is what the resolver keeps for checks: parsed templates, the
// JSON of each schema and of each step's tools.
type checkState struct {
	tmpl    map[string]*template.Template
	schemas map[*CheckSpec][]byte
	tools   map[*StepSpec][]byte
}

// prepareChecks parses the checks' templates, reads and compiles their
// schemas, renders the tools, and tells the plan about checks and judges.
func (r *resolver) prepareChecks(read readFunc, p *Plan) error {
	cs := &checkState{tmpl: map[string]*template.Template{}, schemas: map[*CheckSpec][]byte{}, tools: map[*StepSpec][]byte{}}
	r.checks = cs
	var specs []*CheckSpec
	for i := range r.f.Tasks {
		t := &r.f.Tasks[i]
		for j := range t.Steps {
			s := &t.Steps[j]
			b, err := toolsJSON(s.Tools)
			if err != nil {
				return err
			}
			cs.tools[s] = b
			for k := range s.Checks {
				specs = append(specs, &s.Checks[k])
			}
		}
		for k := range t.Checks {
			specs = append(specs, &t.Checks[k])
		}
	}
	for _, c := range specs {
		if err := cs.prepare(c, read); err != nil {
			return err
		}
		if c.Type == CheckJudge {
			p.Judges = append(p.Judges, c)
		}
	}
	p.HasChecks = len(specs) > 0
	return nil
}

func (cs *checkState) prepare(c *CheckSpec, read readFunc) error {
	for _, t := range []string{c.Expected, c.Rubric} {
		if t == "" || cs.tmpl[t] != nil {
			continue
		}
		tt, err := parseTemplate(t)
		if err != nil {
			return checkError(c, "expected", err)
		}
		cs.tmpl[t] = tt
	}
	var doc []byte
	var err error
	switch {
	case c.SchemaFile != "":
		if doc, err = read(c.SchemaFile); err != nil {
			return checkError(c, "schema_file", err)
		}
	case c.Schema != nil:
		doc, err = schemaJSON(c.Schema)
	case c.Arguments != nil:
		doc, err = schemaJSON(c.Arguments)
	default:
		return nil
	}
	if err == nil {
		_, err = CompileSchema(doc)
	}
	if err != nil {
		return checkError(c, "schema", fmt.Errorf("invalid JSON Schema: %w", err))
	}
	cs.schemas[c] = doc
	return nil
}

// render resolves one spec for an instance whose content records are data.
func (cs *checkState) render(c *CheckSpec, data map[string]any) (Check, error) {
	out := Check{Spec: c, Schema: cs.schemas[c]}
	for _, f := range []struct {
		name string
		src  string
		dst  *string
	}{{"expected", c.Expected, &out.Expected}, {"rubric", c.Rubric, &out.Rubric}} {
		if f.src == "" {
			continue
		}
		var b bytes.Buffer
		if err := cs.tmpl[f.src].Execute(&b, data); err != nil {
			return Check{}, checkError(c, f.name, fmt.Errorf("template names a field the content records lack: %v", err))
		}
		*f.dst = strings.TrimSpace(b.String())
	}
	return out, nil
}

// resolveChecks fills an instance's checks, tools and response schemas, and
// its ground-truth key.
func (r *resolver) resolveChecks(inst *Instance, t *TaskSpec, data map[string]any) error {
	cs := r.checks
	inst.Key = t.Name + instanceHash(data)
	for j := range t.Steps {
		s, st := &t.Steps[j], &inst.Steps[j]
		st.Tools = cs.tools[s]
		for k := range s.Checks {
			c, err := cs.render(&s.Checks[k], data)
			if err != nil {
				return err
			}
			st.Checks = append(st.Checks, c)
			if s.StructuredOutput && c.Spec.Type == CheckJSONSchema && st.ResponseSchema == nil {
				st.ResponseSchema = c.Schema
			}
		}
	}
	for k := range t.Checks {
		c, err := cs.render(&t.Checks[k], data)
		if err != nil {
			return err
		}
		inst.Checks = append(inst.Checks, c)
	}
	return nil
}

// instanceHash names the content records an instance drew ("" for none).
func instanceHash(data map[string]any) string {
	if len(data) == 0 {
		return ""
	}
	b, _ := json.Marshal(data)
	h := fnv.New64a()
	h.Write(b)
	return "#" + strconv.FormatUint(h.Sum64(), 36)
}
