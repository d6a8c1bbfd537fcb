package livemetrics

import (
	"fmt"
	"net"
	"strings"
)

// ExposureWarning says whether the live metrics at addr (as given, or as
// ListenAddr resolves it) can be read from other machines: "" for a
// loopback address, else one line to print before the run. The metrics
// carry the run's model, target and request counts, and are served without
// authentication.
func ExposureWarning(addr string) string {
	resolved, err := ListenAddr(addr)
	if err != nil {
		return ""
	}
	host, _, _ := net.SplitHostPort(resolved)
	ip := net.ParseIP(host)
	switch {
	case ip != nil && ip.IsLoopback(), strings.EqualFold(host, "localhost"):
		return ""
	case ip != nil && ip.IsUnspecified():
		return fmt.Sprintf("live metrics on %s are served on every network interface, without authentication: anyone who can reach this machine can read them (127.0.0.1:PORT keeps them local)", resolved)
	}
	return fmt.Sprintf("live metrics on %s are served on an interface other machines may reach, without authentication (127.0.0.1:PORT keeps them local)", resolved)
}
