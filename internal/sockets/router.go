package sockets

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// dealer: "Each message sent is round-robined among all connected peers,
// and each message received is fair-queued from all connected peers";
// "Action in mute state: Block".
type dealer struct {
	lb
	in   fq
	opts *Options
}

func (d *dealer) attach(p *loop.Peer) {
	d.lb.attach(p)
	d.in.attach(p)
	probe(d.opts, p)
}

// hiccup: a new connection for pipes the socket made at connect.
func (d *dealer) hiccup(p *loop.Peer) { probe(d.opts, p) }

// probe is ZMQ_PROBE_ROUTER: "When set to 1, the socket will automatically
// send an empty message when a new connection is made or accepted", so that
// a ROUTER learns the peer's routing id before the peer has anything to say;
// and ZMQ_HELLO_MSG: "the socket will automatically send an hello message
// when a new connection is made or accepted".
func probe(o *Options, p *loop.Peer) {
	if o == nil {
		return
	}
	if o.ProbeRouter {
		p.Out.Write(ring.Msg{})
		p.Out.Flush()
	}
	if len(o.HelloMsg) > 0 && (o.Type == ROUTER || o.Type == DEALER) {
		m := ring.NewMsg(len(o.HelloMsg))
		copy(m.Data, o.HelloMsg)
		p.Out.Write(m)
		p.Out.Flush()
	}
}
func (d *dealer) detach(p *loop.Peer)    { d.lb.detach(p); d.in.detach(p) }
func (d *dealer) recv(m *ring.Msg) error { return d.in.recv(m) }
func (d *dealer) from() *loop.Peer       { return d.in.last }
func (d *dealer) send(m *ring.Msg) error { return d.lb.send(m) }

// router: "When receiving messages a ZMQ_ROUTER socket shall prepend a
// message part containing the identity of the originating peer to the
// message before passing it to the application. Messages received are
// fair-queued from among all connected peers. When sending messages a
// ZMQ_ROUTER socket shall remove the first part of the message and use it
// to determine the identity of the peer the message shall be routed to."
//
// A peer's routing id is the ZMQ_ROUTING_ID it announced in its handshake,
// or else one made up here as libzmq 4.3.4 makes them: five bytes, a zero
// byte and then a 32-bit big-endian counter that starts at a random value.
// A peer announcing an id another peer already has is refused (libzmq
// ignores it), unless ZMQ_ROUTER_HANDOVER is set: then the new peer takes
// the id, and the old one is neither sent nor read anything more (what it
// sent that the application has not read is dropped, as in libzmq 4.3.4).
type router struct {
	opts   *Options // ZMQ_ROUTER_MANDATORY and ZMQ_ROUTER_HANDOVER apply at once
	in     fq
	byID   map[string]*loop.Peer
	ids    map[*loop.Peer]string
	nextID uint32
	slab   ring.Slab // for the routing id frames handed to the application

	// Receiving: the id frame of a message goes out first, its first frame
	// waits in held.
	held    ring.Msg
	hasHeld bool
	inMid   bool // frames of a message are being returned

	// notes are local messages for recv, [id][data]: ZMQ_ROUTER_NOTIFY's
	// empty ones and ZMQ_DISCONNECT_MSG.
	notes   []routerNote
	noteMid bool // the id of notes[0] was handed out

	// Sending.
	// drops counts, per peer, the messages dropped at its HWM since the
	// last EventMessagesDropped about it; dropped, for the socket
	// (Socket.Dropped). events takes the socket's monitor events.
	drops   map[*loop.Peer]uint64
	dropped uint64
	events  eventSink
	outMid  bool       // the id frame was taken; the rest of the message follows
	outPeer *loop.Peer // where it goes; nil: it is dropped
}

type routerNote struct {
	id, data string
	peer     *loop.Peer // whom it is about (see from)
}

// ZMQ_ROUTER_NOTIFY's flags.
const (
	notifyConnect    = 1
	notifyDisconnect = 2
)

func newRouter(o *Options) *router {
	r := &router{opts: o, byID: map[string]*loop.Peer{}, ids: map[*loop.Peer]string{}, nextID: rand.Uint32()}
	r.in.onRemove = r.forget
	return r
}

func (r *router) makeID() string {
	var b [5]byte
	binary.BigEndian.PutUint32(b[1:], r.nextID)
	r.nextID++
	return string(b[:])
}

func (r *router) attach(p *loop.Peer) {
	id := string(p.RoutingID)
	if id == "" {
		id = r.makeID()
	} else if old := r.byID[id]; old != nil {
		if !r.opts.RouterHandover {
			refuse(p) // "Ignore peers with duplicate ID", as libzmq does
			return
		}
		// The old peer is sent nothing more, and read no more: libzmq
		// terminates its pipe, so what it sent and the application has
		// not read is dropped (a message being read is finished), and
		// its connection is left open but unheard.
		delete(r.ids, old)
		delete(r.byID, id)
		if r.outPeer == old {
			r.outPeer = nil
		}
		old.Out.Close()
		r.in.retire(old)
	}
	r.byID[id] = p
	r.ids[p] = id
	r.in.attach(p)
	probe(r.opts, p)
	if r.opts.RouterNotify&notifyConnect != 0 {
		r.notes = append(r.notes, routerNote{id: id, peer: p})
	}
}

// detach makes the peer unroutable at once; its id stays known until the
// fair queue has read what it sent (forget).
func (r *router) detach(p *loop.Peer) {
	if n := r.drops[p]; n != 0 {
		reportDrops(r.events, p, n)
		delete(r.drops, p)
	}
	if id, ok := r.ids[p]; ok && r.byID[id] == p {
		delete(r.byID, id)
	}
	if r.outPeer == p {
		r.outPeer = nil
	}
	r.in.detach(p)
}

func (r *router) forget(p *loop.Peer) {
	// p.In detached: the socket gave the peer up itself (Disconnect, or a
	// raw socket's close), which is no news to the application.
	if id, ok := r.ids[p]; ok && r.opts.Type == ROUTER && !p.In.Detached() {
		// After what the peer sent: "a zero-length message (with
		// routing-id as first frame) when a peer ... disconnects", and
		// ZMQ_DISCONNECT_MSG.
		if r.opts.RouterNotify&notifyDisconnect != 0 {
			r.notes = append(r.notes, routerNote{id: id, peer: p})
		}
		if len(r.opts.DisconnectMsg) > 0 {
			r.notes = append(r.notes, routerNote{id: id, data: string(r.opts.DisconnectMsg), peer: p})
		}
	}
	if id, ok := r.ids[p]; ok {
		if r.byID[id] == p {
			delete(r.byID, id)
		}
		delete(r.ids, p)
	}
}

func (r *router) recv(m *ring.Msg) error {
	if !r.inMid && !r.hasHeld && len(r.notes) > 0 {
		n := r.notes[0]
		if !r.noteMid {
			r.noteMid = true
			r.in.last = n.peer // the frames' source, for from
			*m = r.slab.NewMsg(len(n.id))
			copy(m.Data, n.id)
			m.Flags = ring.More
			return nil
		}
		r.noteMid = false
		r.notes = r.notes[1:]
		*m = ring.NewMsg(len(n.data))
		copy(m.Data, n.data)
		return nil
	}
	if r.hasHeld {
		r.hasHeld = false
		r.inMid = r.held.More()
		*m = r.held
		r.held = ring.Msg{}
		return nil
	}
	var msg ring.Msg
	if err := r.in.recv(&msg); err != nil {
		if err == errno.EAGAIN && len(r.notes) > 0 {
			return r.recv(m) // a peer that went, noticed while looking
		}
		return err
	}
	if r.inMid {
		r.inMid = msg.More()
		*m = msg
		return nil
	}
	// The first frame of a message: hand out the sender's id before it.
	id := r.ids[r.in.last]
	idm := r.slab.NewMsg(len(id))
	copy(idm.Data, id)
	idm.Flags |= ring.More
	r.held, r.hasHeld = msg, true
	*m = idm
	return nil
}

func (r *router) from() *loop.Peer { return r.in.last }

// setWaker: the router only wants the socket's monitor events from it.
func (r *router) setWaker(w ring.Waker) { r.events, _ = w.(eventSink) }

func (r *router) droppedTotal() uint64 { return r.dropped }

func (r *router) send(m *ring.Msg) error {
	if !r.outMid {
		if !m.More() {
			// An id with nothing after it: libzmq ignores it.
			m.Free()
			return nil
		}
		p := r.byID[string(m.Data)]
		mandatory := r.opts.RouterMandatory
		switch {
		case p == nil || p.Out.Detached():
			if mandatory {
				return errno.EHOSTUNREACH
			}
			p = nil // "silently discarded"
		case !p.Out.CheckWrite():
			if mandatory {
				return errno.EAGAIN // blocks, or fails with ZMQ_DONTWAIT / SNDTIMEO
			}
			// "shall also be dropped": counted, per peer and for the
			// socket.
			if r.drops == nil {
				r.drops = make(map[*loop.Peer]uint64)
			}
			r.drops[p]++
			r.dropped++
			p = nil
		default:
			if n := r.drops[p]; n != 0 {
				reportDrops(r.events, p, n)
				delete(r.drops, p)
			}
		}
		m.Free()
		r.outMid, r.outPeer = true, p
		return nil
	}
	more := m.More()
	if p := r.outPeer; p != nil {
		p.Write(m)
	} else {
		m.Free()
	}
	if !more {
		r.outMid, r.outPeer = false, nil
	}
	return nil
}
