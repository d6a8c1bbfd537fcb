package harness

import (
	"os"

	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/badinput"
	checks "github.com/tcobench/tcobench/outcome"
	"github.com/tcobench/tcobench/workloads"
)

// OutcomeSettings are the settings of a hosted API target's key and of the
// LLM-as-judge backend that a workload's judge checks use when they leave
// it out.
type OutcomeSettings struct {
	// APIKeyEnv names the environment variable holding the target's API key
	// (a hosted OpenAI-compatible API). The key is sent as a bearer token
	// and never written anywhere; the record names only the variable.
	APIKeyEnv string
	// Judge is the judge backend; its APIKeyEnv names the judge's key variable.
	Judge workloads.JudgeSpec
}

// Bind registers the settings on fs.
func (o *OutcomeSettings) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&o.APIKeyEnv, "api-key-env", o.APIKeyEnv, "name of the environment variable holding the target's API key (a hosted API); the key is never written to any file")
	fs.StringVar(&o.Judge.Target, "judge-target", o.Judge.Target, "judge checks: base URL of the judge model's server, where a check does not name one")
	fs.StringVar(&o.Judge.Backend, "judge-backend", o.Judge.Backend, "judge checks: the judge server's API (default openai-chat)")
	fs.StringVar(&o.Judge.Model, "judge-model", o.Judge.Model, "judge checks: the judge model, where a check does not name one")
	fs.StringVar(&o.Judge.APIKeyEnv, "judge-api-key-env", o.Judge.APIKeyEnv, "judge checks: name of the environment variable holding the judge's API key")
}

// apiKey reads the target's API key from the named variable.
func (o OutcomeSettings) apiKey() (string, error) {
	if o.APIKeyEnv == "" {
		return "", nil
	}
	key := os.Getenv(o.APIKeyEnv)
	if key == "" {
		return "", badinput.Field("api-key-env", o.APIKeyEnv, "the environment variable is not set or empty")
	}
	return key, nil
}

// checker evaluates the workload's checks with these judge defaults.
func (o OutcomeSettings) checker() *checks.Checker { return checks.New(o.Judge, os.Getenv) }
