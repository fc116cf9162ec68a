package loop

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// A socket whose only connection is a tcp or ipc one waits for it the way
// a goroutine reading a net.Conn does: parked in Go's netpoller on the
// connection itself (Peer.Wait), woken by the kernel when bytes arrive,
// then reading and decoding them on its own goroutine (session.drive). No
// watcher, no loop and no pipe wake-up lie between the kernel and the
// socket, so a message costs no goroutine hand-off on a machine whose
// other CPU is busy. Measured on the 64 B REQ/REP latency tools with one
// busy-loop process running (BENCHMARKS.md): p50 about 30 µs when the
// socket parked behind the loop, against the plain Go TCP loop's 13 µs.
//
// The connection stays driven (the loop does not read it) while a socket
// waits on it; the loop still runs its timers (heartbeats, handshake and
// linger) and writes what the socket queues when the kernel pushes back.
// Anything else that should end the wait (a message from another pipe,
// the mailbox, the context's shutdown) reaches the socket's Wake, which
// calls Peer.Interrupt: a read deadline in the past, the netpoller's own
// way to end a parked read.

// WaitResult says why Peer.Wait returned.
type WaitResult int

const (
	// WaitReady: ready reported true.
	WaitReady WaitResult = iota
	// WaitInterrupted: Interrupt ended the wait (or a stale one from an
	// earlier wait did); the caller looks at what woke it and may wait
	// again.
	WaitInterrupted
	// WaitTimeout: the deadline passed.
	WaitTimeout
	// WaitUnsupported: the peer has no connection to wait on (inproc,
	// not connected, handshaking, or gone); the caller waits some other
	// way.
	WaitUnsupported
)

// waitPast is a deadline already passed: Interrupt's.
var waitPast = time.Unix(1, 0)

// Wait parks the calling goroutine in Go's netpoller on the peer's
// connection until ready reports true, the deadline passes (zero: none),
// or Interrupt is called. Each time the connection becomes readable it
// first does the loop's work for it (session.drive: writes what Out holds,
// reads and decodes what the kernel has into In), then asks ready. ready
// is also asked once before the first park, after a drive.
//
// The socket's goroutine only; one Wait at a time per peer.
func (p *Peer) Wait(deadline time.Time, ready func() bool) WaitResult {
	s := p.session.Load()
	if s == nil {
		return WaitUnsupported
	}
	s.loop.exec.Lock()
	rc := s.waitConn(p)
	if rc == nil {
		s.loop.exec.Unlock()
		return WaitUnsupported
	}
	s.waiting, s.waitUsed = true, true
	s.loop.exec.Unlock()

	f := s.waitFile.Load()
	if f == nil || f.SetReadDeadline(deadline) != nil {
		s.endWait()
		return WaitUnsupported
	}
	s.waitFor, s.waitReady, s.waitGone = p, ready, false
	err := rc.Read(s.waitFn)
	gone := s.waitGone
	s.waitFor, s.waitReady = nil, nil
	s.endWait()
	switch {
	case err == nil && !gone:
		return WaitReady
	case err == nil || !errors.Is(err, os.ErrDeadlineExceeded):
		// The connection ended (closed under the wait, or gone while it
		// was read): the caller looks at its pipes, which say so.
		return WaitInterrupted
	case !deadline.IsZero() && !time.Now().Before(deadline):
		return WaitTimeout
	}
	return WaitInterrupted
}

// Interrupt ends a Wait on the peer's connection, now or, if none is under
// way, the next one as soon as it starts (which then returns
// WaitInterrupted). Any goroutine.
func (p *Peer) Interrupt() {
	if s := p.session.Load(); s != nil {
		if f := s.waitFile.Load(); f != nil {
			f.SetReadDeadline(waitPast)
		}
	}
}

// onReadable is the wait's read callback (waitFn, made once per session
// so that waiting allocates nothing): the loop's work for the connection,
// then the caller's ready. Called on the waiting goroutine only, which set
// waitFor and waitReady.
func (s *session) onReadable(uintptr) bool {
	s.loop.exec.Lock()
	if s.peer != s.waitFor || s.fd < 0 || s.finished {
		s.waitGone = true
	} else {
		// Read until the kernel has nothing more (or the pipe is full):
		// Go's netpoller reports only new arrivals.
		s.beginLocal()
		for s.drive(); s.readMore && s.fd >= 0 && !s.readPaused; {
			s.readIn()
		}
		s.endLocal()
	}
	s.loop.exec.Unlock()
	p := s.waitFor
	return s.waitGone || p.hasLocal() || s.waitReady()
}

// waitConn returns the raw connection a socket waits on for p, making it
// on first use (waitDup; there is none on the conn backend), and drives
// the connection so that the loop leaves its reads to the socket. Nil when
// p has no handshaken connection. Under exec.
func (s *session) waitConn(p *Peer) syscall.RawConn {
	if s.peer != p || s.finished || s.fd < 0 || !s.active || s.raw() {
		return nil
	}
	if s.waitRC == nil {
		f, rc, err := waitDup(s.fd)
		if err != nil {
			return nil
		}
		s.waitRC = rc
		s.waitFile.Store(f)
		if s.waitFn == nil {
			s.waitFn = s.onReadable
		}
	}
	return s.waitRC
}

// endWait: the socket no longer waits on the connection; it stays driven
// until driveIdle passes without a drive (checkDriven).
func (s *session) endWait() {
	s.loop.exec.Lock()
	s.waiting = false
	s.loop.exec.Unlock()
}

// quietWait closes the waiting dup of a connection driven for a whole
// driveIdle without a Wait: a socket that spins and catches every message
// spinning. Go's netpoller, like the netpoll backend's watches (see
// netPoller.quiet), would otherwise wake a thread for every segment that
// arrives on a registered fd, only to find nobody waiting; on two CPUs that
// thread preempts the spinning sockets. The next Wait registers a new dup.
// Under exec.
func (s *session) quietWait() {
	if !s.waiting && !s.waitUsed {
		s.closeWait()
	}
	s.waitUsed = false
}

// closeWait drops the waiting dup with its connection. A Wait parked on it
// returns. The close runs on its own goroutine: os.File.Close waits for
// the operations under way on the file to end, and this may run inside
// the Wait's own read callback (a drive that met the connection's end).
// Under exec.
func (s *session) closeWait() {
	if f := s.waitFile.Swap(nil); f != nil {
		go f.Close()
	}
	s.waitRC = nil
}
