package loop

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/zring/zring/internal/errno"
)

// The conn backend (BackendConn) runs the engine on Go's net package alone:
// no raw file descriptors, no non-blocking system calls of its own, so it
// builds and works wherever net does (it is Windows' backend). Each
// connection is a net.Conn with two goroutines: a reader that reads what
// arrives into a bounded ring (connInBuf) and stops while it is full, and a
// writer that writes what the loop put into another (connOutBuf). Towards
// the engine a handle (see conn_handle.go) behaves as a non-blocking socket
// does: readFD returns what the reader has brought in, or EAGAIN; writevFD
// takes what fits into the writer's ring, or EAGAIN; a stream's end is a
// read of 0 bytes after the last of its bytes, and its failure the error of
// the next read or write. Readiness goes to the loop as it changes (see
// connPoller), so the sessions, connecters, listeners and the SOCKS5 client
// run unchanged on it. A listener is a net.Listener with an acceptor
// goroutine that queues what it accepts (up to connAcceptQueue, then the
// kernel's backlog holds the rest: conn_listener.go); a connect is a
// net.Dialer's, on a goroutine of its own, whose outcome makes the handle
// writable as a non-blocking connect does (conn_dial.go).

const (
	// connInBuf and connOutBuf size a stream's rings: what the reader
	// may bring in ahead of the session, and what the session may hand
	// the writer, on top of the kernel's own buffers.
	connInBuf  = 32 << 10
	connOutBuf = 32 << 10
	// connAcceptQueue bounds the connections an acceptor holds for its
	// loop (a listener's handler takes up to 64 at a time).
	connAcceptQueue = 64
	// A closed stream goes on writing what the session had handed its
	// writer, as a kernel sends a closed socket's buffered bytes, in
	// pieces of at most connFlushPiece bytes, each of which must go within
	// connCloseFlush: a peer that keeps reading gets everything, one that
	// reads nothing loses the rest after connCloseFlush. A pool's Close
	// waits for these flushes (connPoller.flushing): a process that exits
	// after it has lost nothing that the fd backends would have sent.
	connCloseFlush = time.Second
	connFlushPiece = 4 << 10
)

// errno values the conn backend returns that package errno does not name
// (Linux's numbers, as errno's are).
const (
	errBadFD  = errno.Errno(9)  // EBADF: not an open handle, or not a stream
	errEMFILE = errno.Errno(24) // EMFILE: every handle is taken
)

// connStream is a stream handle: a connect in progress, then a connected
// net.Conn with its reader and writer goroutines. Everything below mu is
// under it; the rings' bytes are shared as byteRing says (the reader
// produces in, the loop consumes it; the loop produces out, the writer
// consumes it).
type connStream struct {
	handleState
	c       net.Conn // nil until connected
	in, out byteRing
	rerr    error // after in's bytes: io.EOF, or why reading failed
	werr    error // why writing failed; every write fails with it from then on
	rcond   sync.Cond
	wcond   sync.Cond
	rwait   bool // the reader waits for room in in
	wwait   bool // the writer waits for bytes in out
	closed  bool

	dialing bool               // the connect is under way
	dialErr error              // and failed so
	cancel  context.CancelFunc // ends the connect

	// flushing is the pool's count of closed streams still writing, of
	// the poller that last watched s (see close); nil if none did.
	flushing *sync.WaitGroup
	flushed  bool // close counted s in flushing; the writer says when it is done
}

func newConnStream() *connStream {
	s := &connStream{}
	s.rcond.L = &s.mu
	s.wcond.L = &s.mu
	return s
}

// start makes s a connected stream over c. Under mu, or before s is shared.
func (s *connStream) start(c net.Conn) {
	s.c = c
	s.in.buf = make([]byte, connInBuf)
	s.out.buf = make([]byte, connOutBuf)
	go s.reader()
	go s.writer()
}

func (s *connStream) readyBits() uint32 {
	switch {
	case s.dialing:
		return 0
	case s.c == nil:
		return evWrite | evErr // the connect failed (connectResult says why)
	}
	var b uint32
	if s.in.len() > 0 || s.rerr != nil {
		b |= evRead
	}
	if s.werr != nil {
		b |= evWrite | evErr
	} else if s.out.len() < len(s.out.buf) {
		b |= evWrite
	}
	return b
}

// reader reads what arrives into in while there is room, until the
// connection ends or the handle is closed.
func (s *connStream) reader() {
	for {
		s.mu.Lock()
		for !s.closed && len(s.in.free()) == 0 {
			s.rwait = true
			s.rcond.Wait()
		}
		if s.closed {
			s.mu.Unlock()
			return
		}
		buf := s.in.free()
		s.mu.Unlock()
		n, err := s.c.Read(buf)
		s.mu.Lock()
		s.in.commit(n)
		if err != nil {
			if err == io.EOF {
				s.rerr = io.EOF
			} else {
				s.rerr = connErr(err)
			}
		}
		connNotify(s)
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// writer writes what the loop hands it until the handle is closed and all
// is written, or writing fails. It closes the connection when it finishes
// a closed handle's bytes (see close).
func (s *connStream) writer() {
	s.mu.Lock()
	for {
		for !s.closed && s.out.len() == 0 {
			s.wwait = true
			s.wcond.Wait()
		}
		if s.out.len() == 0 {
			break // closed, and everything written
		}
		b := s.out.data()
		closing := s.closed
		s.mu.Unlock()
		if closing {
			b = b[:min(len(b), connFlushPiece)]
			s.c.SetWriteDeadline(time.Now().Add(connCloseFlush))
		}
		n, err := s.c.Write(b)
		s.mu.Lock()
		s.out.consume(n)
		if err != nil {
			s.werr = connErr(err)
			connNotify(s)
			break
		}
		connNotify(s)
	}
	closed, flushed := s.closed, s.flushed
	s.mu.Unlock()
	if closed {
		s.c.Close()
	}
	if flushed {
		s.flushing.Done()
	}
}

// close ends the stream as close(2) ends a socket: the connect in progress
// is given up; what the session handed the writer is still written (see
// connCloseFlush), then the connection is closed, as a kernel sends a
// closed socket's buffered bytes before its FIN.
func (s *connStream) close() {
	s.mu.Lock()
	s.closed = true
	if s.dialing {
		s.cancel()
	}
	c := s.c
	flush := c != nil && s.werr == nil && s.out.len() > 0
	if flush && s.flushing != nil {
		s.flushed = true
		s.flushing.Add(1)
	}
	s.rcond.Signal()
	s.wcond.Signal()
	s.mu.Unlock()
	switch {
	case flush:
		c.SetWriteDeadline(time.Now().Add(connCloseFlush)) // the writer closes c
	case c != nil:
		c.Close()
	}
}

func connStreamOf(fd int) (*connStream, bool) {
	s, ok := connLookup(fd).(*connStream)
	return s, ok
}

// connRead is readFD's: what the reader brought in, up to len(b); else 0
// and nil at the end of the stream, or its error, or EAGAIN.
func connRead(fd int, b []byte) (int, error) {
	s, ok := connStreamOf(fd)
	if !ok {
		return 0, errBadFD
	}
	s.mu.Lock()
	n := 0
	for n < len(b) && s.in.len() > 0 {
		k := copy(b[n:], s.in.data())
		s.in.consume(k)
		n += k
	}
	if n > 0 {
		if s.rwait {
			s.rwait = false
			s.rcond.Signal()
		}
		s.mu.Unlock()
		return n, nil
	}
	err := s.rerr
	s.mu.Unlock()
	switch err {
	case nil:
		return 0, errAgain
	case io.EOF:
		return 0, nil
	}
	return 0, err
}

// connWrite is writeFD's: b, or as much of it as the writer's ring takes.
func connWrite(fd int, b []byte) (int, error) {
	s, err := connWritable(fd)
	if err != nil {
		return 0, err
	}
	n, _ := s.put(b)
	return s.took(n)
}

// connWritev is writevFD's: the iovecs' bytes, or as many as the
// writer's ring takes.
func connWritev(fd int, iov []iovec) (int, error) {
	s, err := connWritable(fd)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range iov {
		k, full := s.put(iovBytes(&iov[i]))
		n += k
		if full {
			break
		}
	}
	return s.took(n)
}

// connWritable returns fd's stream locked for a write, or why it cannot
// take one (unlocked then): the writer's error, EAGAIN while connecting.
func connWritable(fd int) (*connStream, error) {
	s, ok := connStreamOf(fd)
	if !ok {
		return nil, errBadFD
	}
	s.mu.Lock()
	switch {
	case s.werr != nil:
		err := s.werr
		s.mu.Unlock()
		return nil, err
	case s.c == nil:
		s.mu.Unlock()
		return nil, errAgain
	}
	return s, nil
}

// put copies what fits of p into the writer's ring: the bytes are the
// writer's from then on. full says the ring took less than all of p.
// Under mu.
func (s *connStream) put(p []byte) (n int, full bool) {
	for n < len(p) {
		f := s.out.free()
		if len(f) == 0 {
			return n, true
		}
		k := copy(f, p[n:])
		s.out.commit(k)
		n += k
	}
	return n, false
}

// took ends a write that put n bytes: it wakes the writer, unlocks, and
// says EAGAIN for none.
func (s *connStream) took(n int) (int, error) {
	if n > 0 && s.wwait {
		s.wwait = false
		s.wcond.Signal()
	}
	s.mu.Unlock()
	if n == 0 {
		return 0, errAgain
	}
	return n, nil
}

// connOf is the net.Conn of a connected stream handle.
func connOf(fd int) net.Conn {
	if s, ok := connStreamOf(fd); ok {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.c
	}
	return nil
}

// connPeerIP is peerIP's: the source address of an accepted tcp
// connection.
func connPeerIP(fd int) (netip.Addr, bool) {
	if c := connOf(fd); c != nil {
		if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
			if ip, ok := netip.AddrFromSlice(ta.IP); ok {
				return ip.Unmap(), true
			}
		}
	}
	return netip.Addr{}, false
}

// connPeerAddress is peerAddress's: a tcp peer's IP address as libzmq
// writes it (an IPv4 peer of a dual-stack listener as "::ffff:a.b.c.d", as
// getpeername gives it), an ipc peer's "localhost" and credentials where
// the system tells them.
func connPeerAddress(fd int, transport string) string {
	c := connOf(fd)
	if c == nil {
		return ""
	}
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(ta.IP); ok {
			return ip.String()
		}
		return ""
	}
	if transport == "ipc" {
		if creds := connPeerCreds(c); creds != "" {
			return "localhost" + creds
		}
	}
	return ""
}

// connTune is tuneConn's: TCP_NODELAY is Go's default for every TCP
// connection; an accepted one gets the options its listener does not
// pass on (connSockOpts).
func connTune(fd int, a Address, so *SockOpts, accepted bool) {
	if !accepted {
		return // a dialled connection had them before its connect
	}
	if sc, ok := connOf(fd).(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			connSockOpts(rc, a.Transport, a.Transport == "tcp" && !a.TCP.Addr().Is4(), so, true)
		}
	}
}

// connErr turns what package net returns into zring's errno values where
// there is one (connSysErrno maps the system's numbers), io.EOF staying
// io.EOF.
func connErr(err error) error {
	var en errno.Errno
	var se syscall.Errno
	switch {
	case err == nil, err == io.EOF:
		return err
	case errors.As(err, &en):
		return en
	case errors.As(err, &se):
		if e := connSysErrno(se); e != 0 {
			return e
		}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return errno.ETIMEDOUT
	case errors.Is(err, net.ErrClosed):
		return errBadFD
	}
	return err
}
