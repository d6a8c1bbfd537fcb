package outcome

import (
	"fmt"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// toolCall passes when some call names the function and, with an
// arguments schema, its arguments satisfy it.
func (c *Checker) toolCall(ch *workloads.Check, calls []runrecord.ToolCall) error {
	var names []string
	var last error
	for _, tc := range calls {
		names = append(names, tc.Name)
		if tc.Name != ch.Spec.Function {
			continue
		}
		if ch.Schema == nil {
			return nil
		}
		if tc.ArgumentsCut {
			last = fmt.Errorf("%s's arguments were longer than %d bytes: not checked", tc.Name, runrecord.MaxToolArguments)
			continue
		}
		s, err := c.schema(ch)
		if err != nil {
			return err
		}
		v, err := parseJSON(tc.Arguments)
		if err != nil {
			last = fmt.Errorf("%s's arguments: %v", tc.Name, err)
			continue
		}
		if err := s.Validate(v); err != nil {
			last = fmt.Errorf("%s's arguments do not satisfy the schema: %s", tc.Name, strings.Join(strings.Fields(err.Error()), " "))
			continue
		}
		return nil
	}
	if last != nil {
		return last
	}
	if len(names) == 0 {
		return fmt.Errorf("no tool call (want %s)", ch.Spec.Function)
	}
	return fmt.Errorf("no call to %s (called %s)", ch.Spec.Function, strings.Join(names, ", "))
}
