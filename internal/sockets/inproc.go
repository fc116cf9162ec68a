package sockets

import (
	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// inproc joins two sockets' pipes directly: no loop, no encoding. A connect
// before the bind is allowed (libzmq 4.x): the connecting socket gets its
// pipes at once and may queue messages; the bind hands the other ends to
// the binder.
type inprocEntry struct {
	binder  *Socket
	bind    Options      // the binder's options when it bound (HWMs, type, id)
	pending []inprocConn // connects waiting for a bind
}

type inprocConn struct {
	sock *Socket
	peer *loop.Peer // the binder's view of the pipes
}

func (c *Context) bindInproc(s *Socket, name string) error {
	if name == "" {
		return errno.Invalidf("missing name")
	}
	c.mu.Lock()
	e := c.inproc[name]
	if e != nil && e.binder != nil {
		c.mu.Unlock()
		return errno.EADDRINUSE
	}
	if e == nil {
		e = &inprocEntry{}
		c.inproc[name] = e
	}
	e.binder = s
	e.bind = s.opts.Snapshot()
	pending := e.pending
	e.pending = nil
	c.mu.Unlock()
	for _, pc := range pending {
		// The binder's parts of the HWMs, now known (libzmq sets them at
		// the bind too).
		pc.peer.In.SetHWMParts(1, s.opts.RcvHWM)
		pc.peer.Out.SetHWMParts(0, s.opts.SndHWM)
		s.Attach(pc.peer)
	}
	return nil
}

func (c *Context) unbindInproc(s *Socket, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.inproc[name]
	if e == nil || e.binder != s {
		return errno.ENOENT
	}
	e.binder = nil
	if len(e.pending) == 0 {
		delete(c.inproc, name)
	}
	return nil
}

// connectInproc makes the pipe pair and returns the connecter's view.
func (c *Context) connectInproc(s *Socket, name string) (*loop.Peer, error) {
	if name == "" {
		return nil, errno.Invalidf("missing name")
	}
	c.mu.Lock()
	e := c.inproc[name]
	if e == nil {
		e = &inprocEntry{}
		c.inproc[name] = e
	}
	b := e.binder
	var toConn, toBind *ring.Pipe
	if s.opts.Conflate {
		// As in libzmq, the connecting socket's ZMQ_CONFLATE decides for
		// both pipes.
		toConn, toBind = ring.NewConflatePipe(), ring.NewConflatePipe()
	} else if b != nil {
		// libzmq's inproc HWM: the sender's SNDHWM plus the receiver's
		// RCVHWM, no limit when either is 0.
		toConn = ring.NewPipeParts(e.bind.SndHWM, s.opts.RcvHWM)
		toBind = ring.NewPipeParts(s.opts.SndHWM, e.bind.RcvHWM)
	} else {
		// The binder's HWMs are not known yet; the connecter's alone apply
		// until the bind.
		toConn = ring.NewPipeParts(-1, s.opts.RcvHWM)
		toBind = ring.NewPipeParts(s.opts.SndHWM, -1)
	}
	mine := &loop.Peer{In: toConn, Out: toBind, Endpoint: "inproc://" + name}
	theirs := &loop.Peer{In: toBind, Out: toConn, Endpoint: "inproc://" + name}
	if b == nil {
		theirs.SocketType = s.opts.Type.String()
		theirs.RoutingID = append([]byte(nil), s.opts.RoutingID...)
		e.pending = append(e.pending, inprocConn{sock: s, peer: theirs})
	} else {
		mine.SocketType = e.bind.Type.String()
		mine.RoutingID = e.bind.RoutingID
		theirs.SocketType = s.opts.Type.String()
		theirs.RoutingID = append([]byte(nil), s.opts.RoutingID...)
	}
	c.mu.Unlock()
	if b != nil {
		b.Attach(theirs)
	}
	return mine, nil
}

// dropPending forgets s's connects that never met a bind (s is closing),
// but those with messages queued: as in libzmq 4.3.4, a later bind still
// receives what was sent (whatever ZMQ_LINGER), and the pipe then ends.
func (c *Context) dropPending(s *Socket) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, e := range c.inproc {
		kept := e.pending[:0]
		for _, pc := range e.pending {
			if pc.sock != s || pc.peer.In.Len() > 0 {
				kept = append(kept, pc)
			}
		}
		e.pending = kept
		if e.binder == s {
			e.binder = nil
		}
		if e.binder == nil && len(e.pending) == 0 {
			delete(c.inproc, name)
		}
	}
}

// zapEndpoint is where a ZAP handler binds (RFC 27).
const zapEndpoint = "zeromq.zap.01"

// zapConnect joins a new pipe pair to the socket bound at
// inproc://zeromq.zap.01, for one connection's ZAP request (loop's zap.go),
// and returns the connection's ends; nil when nothing is bound there. The
// pipes have no HWM, as libzmq's ZAP pipes have none. The handler sees a
// new peer, which goes when the connection is done with it. Any goroutine.
func (c *Context) zapConnect() *loop.Peer {
	c.mu.Lock()
	e := c.inproc[zapEndpoint]
	var b *Socket
	if e != nil {
		b = e.binder
	}
	c.mu.Unlock()
	if b == nil {
		return nil
	}
	toSession, toHandler := ring.NewPipeParts(0, 0), ring.NewPipeParts(0, 0)
	mine := &loop.Peer{In: toSession, Out: toHandler, Endpoint: "inproc://" + zapEndpoint}
	theirs := &loop.Peer{In: toHandler, Out: toSession, Endpoint: "inproc://" + zapEndpoint}
	b.Attach(theirs)
	return mine
}
