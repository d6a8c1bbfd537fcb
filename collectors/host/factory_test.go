package host

import "testing"

func TestLocalPort(t *testing.T) {
	for in, want := range map[string]int{
		"http://127.0.0.1:11434": 11434, "http://localhost:8000/v1": 8000, "http://[::1]:9": 9,
		"http://localhost": 80, "https://api.example.com:443": 0, "http://10.0.0.5:8000": 0,
	} {
		if got := LocalPort(in); got != want {
			t.Errorf("LocalPort(%q) = %d, want %d", in, got, want)
		}
	}
}
