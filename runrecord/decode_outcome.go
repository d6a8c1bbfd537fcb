package runrecord

// checks reads an array of check results. A repeated key goes to
// encoding/json, which decodes into the elements already there.
func (s *scanner) checks(dst *[]CheckResult) bool {
	if *dst != nil {
		return false
	}
	out := make([]CheckResult, 0, 2)
	ok := s.array(func() bool {
		var c CheckResult
		if !s.object(func(k []byte) bool { return s.checkField(&c, k) }) {
			return false
		}
		out = append(out, c)
		return true
	})
	*dst = out
	return ok
}

func (s *scanner) checkField(c *CheckResult, k []byte) bool {
	switch string(k) {
	case "type":
		return s.str(&c.Type)
	case "name":
		return s.str(&c.Name)
	case "pass":
		return s.boolean(&c.Pass)
	case "detail":
		return s.str(&c.Detail)
	case "judge":
		if c.Judge != nil {
			return false
		}
		c.Judge = &JudgeUsage{}
		return s.object(func(k []byte) bool { return s.judgeField(c.Judge, k) })
	}
	return false
}

func (s *scanner) judgeField(j *JudgeUsage, k []byte) bool {
	switch string(k) {
	case "backend":
		return s.str(&j.Backend)
	case "model":
		return s.str(&j.Model)
	case "ok":
		return s.boolean(&j.OK)
	case "input_tokens":
		return intTo(s, &j.InputTokens)
	case "output_tokens":
		return intTo(s, &j.OutputTokens)
	case "source":
		return s.str(&j.Source)
	case "latency_ns":
		return intTo(s, &j.LatencyNS)
	}
	return false
}

// taskOutcome reads a task outcome object; a repeated key goes to
// encoding/json (which merges into the outcome already read).
func (s *scanner) taskOutcome(dst **TaskOutcome) bool {
	if *dst != nil {
		return false
	}
	t := &TaskOutcome{}
	*dst = t
	return s.object(func(k []byte) bool {
		switch string(k) {
		case "pass":
			return s.boolean(&t.Pass)
		case "instance":
			return s.str(&t.Instance)
		case "checks":
			return s.checks(&t.Checks)
		case "reason":
			return s.str(&t.Reason)
		}
		return false
	})
}
