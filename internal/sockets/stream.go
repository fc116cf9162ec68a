package sockets

import (
	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// stream: "A socket of type ZMQ_STREAM is used to send and receive TCP data
// from a non-0MQ peer, when using the tcp:// transport." What arrives comes
// as [routing id][data], fair-queued; what is sent is [routing id][data],
// "unroutable messages shall cause an EHOSTUNREACH or EAGAIN error", and
// "To close a specific connection, send the routing id frame followed by a
// zero-length message. When a connection is made, a zero-length message
// will be received by the application. Similarly, when the peer
// disconnects (or the connection is lost), a zero-length message will be
// received by the application" (ZMQ_STREAM_NOTIFY, on by default). "You
// must send one routing id frame followed by one data frame. The
// ZMQ_SNDMORE flag is required for routing id frames but is ignored on
// data frames." Routing ids are made up as a ROUTER makes them, unless
// ZMQ_CONNECT_ROUTING_ID names the next connection; as libzmq 4.3.4 does,
// each id made up is also written to the socket's ZMQ_ROUTING_ID, so that
// getsockopt tells the id of the newest peer (see Socket.Connect).
//
// What libzmq 4.3.4 does beyond the manual, and zring with it:
//   - A connect without ZMQ_IMMEDIATE makes its pipes, and so its routing
//     id, in Connect: the application may send to the id before the TCP
//     connection exists (what it sends goes out once connected). The pipes
//     and the id outlive each connection: when the peer goes, the
//     disconnect notification comes, the socket reconnects, and the new
//     connection's notification comes under the same id (ZMQ_ROUTING_ID
//     is not written again). With ZMQ_IMMEDIATE each connection has pipes
//     and an id of its own.
//   - A connection the application closes is gone at once: no disconnect
//     notification for it, what it had brought and was not yet received is
//     dropped, its id is unroutable, and a connect's connection is not
//     made again (see closeRaw).
type stream struct {
	r *router // routing ids and the fair queue
	// data is the frame after the id frame recv just returned.
	data    ring.Msg
	hasData bool
	outPeer *loop.Peer
	outMid  bool
}

func newStream(o *Options) *stream { return &stream{r: newRouter(o)} }

func (x *stream) attach(p *loop.Peer) {
	madeUp := len(p.RoutingID) == 0 || x.r.byID[string(p.RoutingID)] != nil
	if madeUp {
		p.RoutingID = nil // ids are ours; a raw peer announces none
	}
	x.r.attach(p)
	if id, ok := x.r.ids[p]; ok && madeUp {
		x.r.opts.RoutingID = []byte(id)
	}
}

func (x *stream) detach(p *loop.Peer) { x.r.detach(p) }
func (x *stream) from() *loop.Peer    { return x.r.in.last }

// recv returns [id][data]. The connection's session puts the notifications
// in its pipe as empty frames, in order with the data (a new connection's
// cannot overtake what an old one sent); without ZMQ_STREAM_NOTIFY they
// are dropped here.
func (x *stream) recv(m *ring.Msg) error {
	if x.hasData {
		*m, x.data, x.hasData = x.data, ring.Msg{}, false
		return nil
	}
	for {
		var id, data ring.Msg
		if err := x.r.recv(&id); err != nil {
			return err
		}
		if err := x.r.recv(&data); err != nil {
			id.Free()
			return err // cannot happen: messages are published whole
		}
		if len(data.Data) == 0 && !x.r.opts.StreamNotify {
			id.Free()
			data.Free()
			continue
		}
		data.Flags &^= ring.More
		*m, x.data, x.hasData = id, data, true
		return nil
	}
}

func (x *stream) send(m *ring.Msg) error {
	if !x.outMid {
		p := x.r.byID[string(m.Data)]
		switch {
		case p == nil || p.Out.Detached():
			return errno.EHOSTUNREACH
		case !m.More():
			return errno.EINVAL // a routing id frame needs ZMQ_SNDMORE
		case !p.Out.CheckWrite():
			return errno.EAGAIN
		}
		m.Free()
		x.outPeer, x.outMid = p, true
		return nil
	}
	// The data frame: one, whatever its More flag.
	p := x.outPeer
	x.outPeer, x.outMid = nil, false
	if len(m.Data) == 0 {
		m.Free()
		closeRaw(x.r, p)
		return nil
	}
	m.Flags &^= ring.More
	p.Out.Write(*m)
	*m = ring.Msg{}
	p.Out.Flush()
	return nil
}

// closeRaw is a raw socket's close of one connection, on an empty data
// frame: p's id is unroutable from now on, and the pipes are given up as
// Socket.Disconnect gives them up: Out is closed after what was sent
// (the session writes that, then closes the connection and ends; see
// loop's session.socketClosed), and In is detached, so that nothing the
// connection brought after what the application received, its
// disconnect notification included, reaches the socket. libzmq 4.3.4
// does the same: it terminates the connection's pipe.
func closeRaw(r *router, p *loop.Peer) {
	r.detach(p)
	p.Out.Close()
	p.DropIn()
}

func (x *stream) canSend() bool { return true }

// rawRouter is a ROUTER with ZMQ_ROUTER_RAW: "When the ROUTER socket is in
// raw mode, and when using the tcp:// transport, it will read and write
// TCP data without 0MQ framing. [...] When using raw mode, you cannot set
// explicit identities, and the ZMQ_SNDMORE flag is ignored when sending
// data messages. In raw mode you can close a specific connection by
// sending it a zero-length message (following the routing id frame)."
//
// Its connections are a STREAM's (loop.Config.Raw): the session delivers
// what it reads, and the empty frames of connect and disconnect, which the
// ROUTER passes on as [id][data] like any message; it writes what it is
// sent as bytes; an empty data frame closes the connection (closeRaw); and
// a connect without ZMQ_IMMEDIATE makes its pipes and id at once, kept
// across reconnects, as a STREAM's. What is left to the pattern
// is what libzmq 4.3.4's ROUTER does differently in raw mode: every
// routing id is made up (a ZMTP peer of a bind or connect made before raw
// mode announces one, which is ignored), and one data frame follows the
// id, whatever its ZMQ_SNDMORE. Unknown ids and full pipes are a ROUTER's
// (dropped, or EHOSTUNREACH and EAGAIN with ZMQ_ROUTER_MANDATORY), not a
// STREAM's. Socket.SetOption switches the socket's pattern between router
// and rawRouter, on the same routing table, so the plain ROUTER's send path
// does not test for raw mode per message.
type rawRouter struct{ *router }

func (x rawRouter) attach(p *loop.Peer) {
	if p.SocketType != "" {
		p.RoutingID = nil // a ZMTP peer's announced id
	}
	x.router.attach(p)
}

func (x rawRouter) send(m *ring.Msg) error {
	if x.outMid {
		m.Flags &^= ring.More // the data frame: one, whatever its flag
		if p := x.outPeer; p != nil && len(m.Data) == 0 {
			closeRaw(x.router, p) // as a STREAM's; the router drops m
		}
	}
	return x.router.send(m)
}
