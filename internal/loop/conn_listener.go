package loop

import (
	"context"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"

	"github.com/zring/zring/internal/errno"
)

// connListener is a listener handle: a net.Listener and its acceptor
// goroutine. The fields below mu are under it.
type connListener struct {
	handleState
	ln     net.Listener
	queue  []net.Conn // accepted, not yet taken by the loop
	err    error      // an accept failure the loop has not taken yet
	cond   sync.Cond  // the acceptor waits for room, or for err to be taken
	closed bool
}

func (l *connListener) readyBits() uint32 {
	if len(l.queue) > 0 || l.err != nil {
		return evRead
	}
	return 0
}

// acceptor accepts while the queue has room and no failure waits to be
// taken: after a failure (EMFILE, say) it tries again only once the loop
// took it, which the listener does at its own paced backoff (see
// Listener.pause), so a failing accept is not retried in a spin.
func (l *connListener) acceptor() {
	for {
		l.mu.Lock()
		for !l.closed && (len(l.queue) >= connAcceptQueue || l.err != nil) {
			l.cond.Wait()
		}
		if l.closed {
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		c, err := l.ln.Accept()
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			if c != nil {
				c.Close()
			}
			return
		}
		if err != nil {
			l.err = connErr(err)
		} else {
			l.queue = append(l.queue, c)
		}
		connNotify(l)
		l.mu.Unlock()
	}
}

func (l *connListener) close() {
	l.mu.Lock()
	l.closed = true
	q := l.queue
	l.queue = nil
	l.cond.Signal()
	l.mu.Unlock()
	l.ln.Close() // ends an Accept under way
	for _, c := range q {
		c.Close()
	}
}

// listenConn is the conn backend's listenFD: a net.Listener for a, or the
// one adopted from ZMQ_USE_FD's socket, with its acceptor running.
func listenConn(a Address, so *SockOpts, useFD int) (int, Address, error) {
	var ln net.Listener
	var err error
	if useFD > 0 {
		ln, err = connAdopt(useFD, a)
		if err != nil {
			return -1, a, err
		}
		// The address is the socket's own (a port of 0 gets its real one).
		if ta, ok := ln.Addr().(*net.TCPAddr); ok {
			ip, _ := netip.AddrFromSlice(ta.IP)
			a.TCP = netip.AddrPortFrom(ip.Unmap(), uint16(ta.Port))
		}
	} else {
		network, address := connNetAddr(a, true)
		if network == "" {
			return -1, a, errno.EPROTONOSUPPORT
		}
		if a.Transport == "ipc" && len(a.Path) > 0 && a.Path[0] != '@' {
			os.Remove(a.Path) // libzmq unlinks a stale socket file before binding
		}
		lc := net.ListenConfig{
			KeepAlive: -1, // as connDial
			// Buffers set on the listener are inherited by what it
			// accepts, and must be set before listen(2) for TCP's window
			// scale to follow.
			Control: func(network, _ string, rc syscall.RawConn) error {
				return connSockOpts(rc, a.Transport, network == "tcp6", so, false)
			},
		}
		if ln, err = lc.Listen(context.Background(), network, address); err != nil {
			return -1, a, connErr(err)
		}
		connBacklog(ln, so.Backlog)
		if ta, ok := ln.Addr().(*net.TCPAddr); ok {
			a.TCP = netip.AddrPortFrom(a.TCP.Addr(), uint16(ta.Port))
		}
	}
	if ul, ok := ln.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(false) // removeIPC does it, as for the fd backends
	}
	l := &connListener{ln: ln}
	l.cond.L = &l.mu
	fd, err := connOpen(l)
	if err != nil {
		ln.Close()
		return -1, a, err
	}
	go l.acceptor()
	return fd, a, nil
}

// connAccept is acceptFD's: the next accepted connection as a new stream
// handle, or the acceptor's failure, or EAGAIN.
func connAccept(fd int) (int, error) {
	l, ok := connLookup(fd).(*connListener)
	if !ok {
		return -1, errBadFD
	}
	l.mu.Lock()
	var c net.Conn
	var err error
	switch {
	case len(l.queue) > 0:
		c = l.queue[0]
		l.queue[0] = nil
		l.queue = l.queue[1:]
		if len(l.queue) == 0 {
			l.queue = l.queue[:0:0] // let the backing array go
		}
	case l.err != nil:
		err, l.err = l.err, nil
	default:
		err = errAgain
	}
	l.cond.Signal()
	l.mu.Unlock()
	if err != nil {
		return -1, err
	}
	s := newConnStream()
	s.start(c)
	nfd, err := connOpen(s)
	if err != nil {
		s.close()
		return -1, err
	}
	return nfd, nil
}
