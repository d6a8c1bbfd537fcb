package host

import (
	"net"
	"net/url"
	"os"
	"strconv"

	"github.com/tcobench/tcobench/collectors"
)

// Factory is the host collector's factory. Without a PID or port in o, it
// follows the model server's process when the run's target is on this
// machine (found by the target's port).
func Factory(o Options) collectors.Factory {
	return func(env collectors.Env) (collectors.Collector, error) {
		if o.Interval <= 0 {
			o.Interval = env.Interval
		}
		if o.PID == 0 && o.Port == 0 {
			o.Port = LocalPort(env.Target)
		}
		return New(o), nil
	}
}

// LocalPort is the target's port when the target runs on this machine (0 otherwise).
func LocalPort(target string) int {
	u, err := url.Parse(target)
	if err != nil {
		return 0
	}
	h := u.Hostname()
	name, _ := os.Hostname()
	ip := net.ParseIP(h)
	if h != "localhost" && h != name && (ip == nil || !ip.IsLoopback()) {
		return 0
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil {
		switch u.Scheme {
		case "https":
			return 443
		case "http":
			return 80
		}
	}
	return p
}
