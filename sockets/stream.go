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
	// data is the frame after the id frame recv just returned.
	data    ring.Msg
	hasData bool
	outPeer *loop.Peer
	outMid  bool
}

func newStream(o *Options) *stream { return &stream{r: newRouter(o)} }

func (x *stream) attach(p *loop.Peer) {
	if len(p.RoutingID) == 0 || x.r.byID[string(p.RoutingID)] != nil {
		p.RoutingID = nil // ids are ours; a raw peer announces none
	}
	x.r.attach(p)
}

func (x *stream) detach(p *loop.Peer) { x.r.detach(p) }

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
	m.Flags &^= ring.More
	x.outPeer.Out.Write(*m)
	*m = ring.Msg{}
	x.outPeer.Out.Flush()
	x.outPeer, x.outMid = nil, false
	return nil
}

func (x *stream) canSend() bool { return true }
