//go:build linux

package modelapi

import (
	"net"
	"syscall"
)

// QuickAckSupported says whether Options.QuickAck works on this system.
const QuickAckSupported = true

// quickAckConn sets TCP_QUICKACK on its connection before the first read
// and again after every read: the kernel clears the option whenever it
// leaves quick-ACK mode, so it must be re-armed for each read.
type quickAckConn struct {
	net.Conn
	raw syscall.RawConn
}

func newQuickAckConn(c net.Conn) net.Conn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	q := &quickAckConn{Conn: c, raw: raw}
	q.arm()
	return q
}

func (q *quickAckConn) arm() {
	_ = q.raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}

func (q *quickAckConn) Read(b []byte) (int, error) {
	n, err := q.Conn.Read(b)
	q.arm()
	return n, err
}
