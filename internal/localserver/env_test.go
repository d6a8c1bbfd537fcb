package localserver

import (
	"strings"
	"testing"
)

func TestServerEnv(t *testing.T) {
	t.Setenv("OLLAMA_HOST", "0.0.0.0:1")
	env := strings.Join(serverEnv("/d", 1234, 3), "\n")
	for _, want := range []string{"OLLAMA_HOST=127.0.0.1:1234", "OLLAMA_MODELS=/d/models", "OLLAMA_NUM_PARALLEL=3", "HOME=/d", "OLLAMA_KEEP_ALIVE=-1"} {
		if !strings.Contains(env, want) {
			t.Errorf("env lacks %s", want)
		}
	}
	if strings.Contains(env, "0.0.0.0") {
		t.Error("caller's OLLAMA_HOST leaked into the server's environment")
	}
}
