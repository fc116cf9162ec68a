package loop

import (
	"sync"
	"time"
)

// A failed accept other than EAGAIN (EMFILE, ENFILE, ENOBUFS...) leaves
// the connection in the backlog, so a level-triggered poller would report
// the listener again at once: the loop would spin on accept and flood the
// monitor. Instead the listener stops watching for acceptBackoffMin,
// doubling each time it fails again up to acceptBackoffMax (as Go's
// net/http does), and the first success resets the pause.
const (
	acceptBackoffMin = 5 * time.Millisecond
	acceptBackoffMax = time.Second
)

// Listener accepts connections on one bound endpoint. Its fd lives on the
// loop that Listen chose; each accepted connection gets a session on the
// loop Pool.Choose picks for the socket's affinity.
type Listener struct {
	loop *Loop
	fd   int
	addr Address
	cfg  Config
	host Host

	mu       sync.Mutex // sessions is touched by the loops of its sessions
	sessions map[*session]struct{}
	closed   bool

	backoff time.Duration // the current pause after a failed accept; loop only
	paused  bool          // not watched until the pause ends
}

// Listen binds addr and starts accepting on l. It binds synchronously, so
// the caller gets EADDRINUSE and friends at once, and returns the endpoint
// as ZMQ_LAST_ENDPOINT shows it.
func (l *Loop) Listen(addr Address, cfg Config, host Host) (*Listener, string, error) {
	fd, bound, err := l.listen(addr, &cfg.Sock, cfg.UseFD)
	if err != nil {
		return nil, "", err
	}
	ln := &Listener{loop: l, fd: fd, addr: bound, cfg: cfg, host: host, sessions: make(map[*session]struct{})}
	host.Event(Event{Kind: EventListening, Value: uint32(fd), Endpoint: bound.String()})
	l.pool.live.Add(1)
	l.load.Add(1)
	l.Post(func() {
		if err := l.watch(fd, evRead, ln); err != nil {
			ln.closeNow()
		}
	})
	return ln, bound.String(), nil
}

// Endpoint is the bound endpoint (with the real port).
func (ln *Listener) Endpoint() string { return ln.addr.String() }

func (ln *Listener) handle(events uint32) {
	for i := 0; i < 64; i++ {
		nfd, err := acceptFD(ln.fd)
		if err != nil {
			if !isAgain(err) {
				ln.host.Event(Event{Kind: EventAcceptFailed, Value: uint32(errnoOf(err)), Endpoint: ln.addr.String(), Err: sysErr(err)})
				ln.pause()
			}
			return
		}
		ln.backoff = 0
		if !ln.admits(nfd) {
			closeFD(nfd) // filtered out, as libzmq does: no event
			continue
		}
		ln.host.Event(Event{Kind: EventAccepted, Value: uint32(nfd), Endpoint: ln.addr.String()})
		tuneConn(nfd, ln.addr, &ln.cfg.Sock, true)
		target := ln.loop.pool.Choose(ln.cfg.Affinity)
		s := newSession(target, ln.cfg, ln.host, ln, nil, ln.addr.String())
		ln.mu.Lock()
		if ln.closed {
			ln.mu.Unlock()
			closeFD(nfd)
			continue
		}
		ln.sessions[s] = struct{}{}
		ln.mu.Unlock()
		ln.loop.pool.live.Add(1)
		target.load.Add(1)
		if target == ln.loop {
			s.attachConn(nfd, ln.addr.Transport)
		} else {
			target.Post(func() { s.attachConn(nfd, ln.addr.Transport) })
		}
	}
}

// admits applies the accept filters to a new connection.
func (ln *Listener) admits(fd int) bool {
	switch ln.addr.Transport {
	case "tcp":
		if len(ln.cfg.TCPAccept) == 0 {
			return true
		}
		ip, ok := peerIP(fd)
		if !ok {
			return false
		}
		for _, p := range ln.cfg.TCPAccept {
			if p.Contains(ip) {
				return true
			}
		}
		return false
	case "ipc":
		c := &ln.cfg
		if len(c.IPCUIDs)+len(c.IPCGIDs)+len(c.IPCPIDs) == 0 {
			return true
		}
		return peerCredsAdmitted(fd, c.IPCUIDs, c.IPCGIDs, c.IPCPIDs)
	}
	return true
}

// pause stops watching the listening fd for the current backoff.
func (ln *Listener) pause() {
	ln.backoff = min(max(2*ln.backoff, acceptBackoffMin), acceptBackoffMax)
	ln.paused = true
	ln.loop.poller.mod(ln.fd, 0)
	ln.loop.after(ln.backoff, func() {
		if ln.paused && ln.fd >= 0 {
			ln.paused = false
			ln.loop.poller.mod(ln.fd, evRead)
		}
	})
}

// Close stops accepting and ends the connections accepted here, each
// lingering for linger ms as ZMQ_LINGER says (-1: until sent). It returns
// once the listening fd is closed, so the address can be bound again at
// once (as after zmq_unbind). Any goroutine but a loop's.
func (ln *Listener) Close(linger int) {
	done := make(chan struct{})
	ln.loop.Post(func() {
		defer close(done)
		ln.mu.Lock()
		ln.closed = true
		ss := make([]*session, 0, len(ln.sessions))
		for s := range ln.sessions {
			ss = append(ss, s)
		}
		ln.mu.Unlock()
		for _, s := range ss {
			s.loop.Post(func() { s.terminate(linger) })
		}
		ln.closeNow()
	})
	<-done
}

func (ln *Listener) closeNow() {
	if ln.fd < 0 {
		return
	}
	ln.paused = false
	ln.loop.unwatch(ln.fd)
	closeFD(ln.fd)
	ln.host.Event(Event{Kind: EventClosed, Value: uint32(ln.fd), Endpoint: ln.addr.String()})
	removeIPC(ln.addr)
	ln.fd = -1
	ln.loop.load.Add(-1)
	ln.loop.pool.live.Done()
}

// connectionLost: an accepted connection is never re-established.
func (ln *Listener) connectionLost(*session, error) bool { return false }

// redial: an accepted connection's session never holds a dial.
func (ln *Listener) redial() {}

// sessionFinished runs on s's loop when s has ended.
func (ln *Listener) sessionFinished(s *session) {
	ln.mu.Lock()
	delete(ln.sessions, s)
	ln.mu.Unlock()
	s.loop.load.Add(-1)
	s.loop.pool.live.Done()
}
