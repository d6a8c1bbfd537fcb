//go:build !linux

package modelapi

import "net"

// QuickAckSupported says whether Options.QuickAck works on this system.
const QuickAckSupported = false

func newQuickAckConn(c net.Conn) net.Conn { return c }
