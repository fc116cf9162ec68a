package loop

import (
	"context"
	"net"
	"syscall"

	"github.com/zring/zring/internal/errno"
)

// A connect of the conn backend: a net.Dialer's on a goroutine of its own,
// the stream handle it fills writable when it ends, as a non-blocking
// connect makes its socket (connectResult then says how it ended).

// connConnectResult is connectResult's: nil once connected, the
// connect's error once it failed.
func connConnectResult(fd int) error {
	s, ok := connStreamOf(fd)
	if !ok {
		return errBadFD
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dialing {
		return errAgain
	}
	return s.dialErr
}

// connDial starts a connect to a on its own goroutine, with so's options
// applied before it (connSockOpts), and returns the handle; the handle
// becomes writable when the connect is done (connConnectResult).
func connDial(a Address, so *SockOpts) (fd int, inProgress bool, err error) {
	network, address := connNetAddr(a, false)
	if network == "" {
		return -1, false, errno.EPROTONOSUPPORT
	}
	s := newConnStream()
	ctx, cancel := context.WithCancel(context.Background())
	s.dialing, s.cancel = true, cancel
	if fd, err = connOpen(s); err != nil {
		cancel()
		return -1, false, err
	}
	d := &net.Dialer{
		KeepAlive: -1, // libzmq leaves keepalives to ZMQ_TCP_KEEPALIVE; Go would turn them on
		Control: func(network, _ string, rc syscall.RawConn) error {
			return connSockOpts(rc, a.Transport, network == "tcp6", so, true)
		},
	}
	go s.dial(ctx, d, network, address)
	return fd, true, nil
}

// connSettle is dialer.settle's: whether the connect has ended, and how.
// A failed connect's handle is closed.
func connSettle(fd int) (done bool, err error) {
	err = connConnectResult(fd)
	if err == errAgain {
		return false, nil
	}
	if err != nil {
		connClose(fd)
	}
	return true, err
}

// connNetAddr is a's network and address as package net takes them, or
// "" for a transport this system's net cannot serve. An IPv4 address
// listens as tcp4: Go's "tcp" would bind an IPv4 wildcard dual-stack,
// which libzmq (and the fd backends) do not; an IPv6 one as "tcp", which
// is dual-stack on the wildcard as ZMQ_IPV6 wants it.
func connNetAddr(a Address, listen bool) (network, address string) {
	switch a.Transport {
	case "tcp":
		if listen && a.TCP.Addr().Is4() {
			return "tcp4", a.TCP.String()
		}
		return "tcp", a.TCP.String()
	case "ipc":
		if ipcSupported {
			return "unix", a.Path
		}
	}
	return "", ""
}

// dial connects s on its own goroutine; the outcome makes s writable.
func (s *connStream) dial(ctx context.Context, d *net.Dialer, network, address string) {
	c, err := d.DialContext(ctx, network, address)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dialing = false
	s.cancel()
	if s.closed {
		if c != nil {
			c.Close()
		}
		return
	}
	if err != nil {
		s.dialErr = connErr(err)
	} else {
		s.start(c)
	}
	connNotify(s)
}
