package sockets

import (
	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/loop"
	"github.com/zring/zring/ring"
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
// ZMQ_CONNECT_ROUTING_ID names the next connection.
type stream struct {
	r *router // routing ids and the fair queue
	// notes are connect and disconnect notifications waiting for recv, as
	// routing ids (an empty data frame follows each).
	notes   []string
	noteMid bool // the id of notes[0] was handed out; its empty frame is next
	outPeer *loop.Peer
	outMid  bool
}

func newStream(o *Options) *stream {
	x := &stream{r: newRouter(o)}
	x.r.in.onRemove = x.gone
	return x
}

func (x *stream) attach(p *loop.Peer) {
	if len(p.RoutingID) == 0 || x.r.byID[string(p.RoutingID)] != nil {
		p.RoutingID = nil // ids are ours; a raw peer announces none
	}
	x.r.attach(p)
	if x.r.opts.StreamNotify {
		x.notes = append(x.notes, x.r.ids[p])
	}
}

func (x *stream) detach(p *loop.Peer) { x.r.detach(p) }

// gone: the peer's connection has ended and what it sent has been read.
func (x *stream) gone(p *loop.Peer) {
	if id, ok := x.r.ids[p]; ok && x.r.opts.StreamNotify {
		x.notes = append(x.notes, id)
	}
	x.r.forget(p)
}

func (x *stream) recv(m *ring.Msg) error {
	if !x.r.inMid && !x.r.hasHeld && len(x.notes) > 0 {
		if !x.noteMid {
			id := x.notes[0]
			idm := ring.NewMsg(len(id))
			copy(idm.Data, id)
			idm.Flags = ring.More
			*m = idm
			x.noteMid = true
			return nil
		}
		x.noteMid = false
		x.notes = x.notes[1:]
		*m = ring.Msg{}
		return nil
	}
	err := x.r.recv(m)
	if err == errno.EAGAIN && len(x.notes) > 0 {
		return x.recv(m) // a disconnection noticed while looking
	}
	return err
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
	m.Flags &^= ring.More
	x.outPeer.Out.Write(*m)
	*m = ring.Msg{}
	x.outPeer.Out.Flush()
	x.outPeer, x.outMid = nil, false
	return nil
}

func (x *stream) canSend() bool { return true }
