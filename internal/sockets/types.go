package sockets

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// pattern is one socket type's routing. Methods run on the socket's
// goroutine. send and recv return EAGAIN when the socket is mute or empty
// (the socket then blocks or not, per flags and timeouts), EFSM when the
// type's send/receive pattern forbids the call, ENOTSUP when the type
// cannot send or receive at all.
type pattern interface {
	attach(p *loop.Peer)
	detach(p *loop.Peer)
	send(m *ring.Msg) error
	recv(m *ring.Msg) error
	// from is the peer whose pipe the frame recv returned last was read
	// from (or, for a local notification, the peer it is about); nil if
	// none. It costs recv nothing: the patterns keep it anyway, to route
	// replies and ids. Socket.Property reads it.
	from() *loop.Peer
}

func newPattern(t Type, o *Options) pattern {
	switch t {
	case DEALER:
		return &dealer{opts: o}
	case ROUTER:
		return newRouter(o)
	case STREAM:
		return newStream(o)
	case PUB, XPUB:
		return newPub(t == XPUB, o)
	case SUB, XSUB:
		return newSub(t == XSUB, o)
	case PUSH:
		return &push{}
	case PULL:
		return &pull{}
	case PAIR:
		return &pair{}
	case REQ:
		return newReq(o)
	case REP:
		return &rep{}
	}
	return nil
}

// push: "Outgoing routing strategy: Round-robin"; "Action in mute state:
// Block"; receiving is not supported.
type push struct{ lb }

func (*push) recv(*ring.Msg) error { return errno.ENOTSUP }
func (*push) from() *loop.Peer     { return nil }

// pull: "Incoming routing strategy: Fair-queued"; sending is not supported.
type pull struct{ fq }

func (*pull) send(*ring.Msg) error { return errno.ENOTSUP }

// pair talks to exactly one peer; a second one is refused. "When a ZMQ_PAIR
// socket enters the mute state due to having reached the high water mark
// for the connected peer, or if no peer is connected, then any zmq_send(3)
// operations on the socket shall block until the peer becomes available for
// writing; messages are not discarded."
type pair struct {
	peer *loop.Peer
	more bool
	// gone is the peer before peer, kept for from once it has left (its
	// messages may be the last received).
	gone *loop.Peer
}

// from: until another peer comes, the one that went.
func (p *pair) from() *loop.Peer {
	if p.peer != nil {
		return p.peer
	}
	return p.gone
}

func (p *pair) attach(q *loop.Peer) {
	if p.peer != nil {
		refuse(q)
		return
	}
	p.peer = q
}

func (p *pair) detach(q *loop.Peer) {
	if p.peer == q && !q.HasIn() {
		p.peer, p.gone = nil, q
		p.more = false
	}
}

func (p *pair) send(m *ring.Msg) error {
	q := p.peer
	if q == nil {
		return errno.EAGAIN
	}
	if !p.more && !q.Out.CheckWrite() {
		if q.Out.Detached() && !q.HasIn() {
			p.peer = nil
		}
		return errno.EAGAIN
	}
	p.more = m.More()
	q.Write(m)
	return nil
}

func (p *pair) recv(m *ring.Msg) error {
	q := p.peer
	if q == nil {
		return errno.EAGAIN
	}
	if !q.Read(m) {
		if q.InClosed() && q.Out.Detached() {
			p.peer, p.gone = nil, q
		}
		return errno.EAGAIN
	}
	return nil
}

// refuse hands a peer's pipes back unused.
func refuse(q *loop.Peer) {
	q.DropIn()
	q.Out.Close()
}

// req: "Each request sent is round-robined among all services, and each
// reply received is matched with the last issued request." Strict
// alternation: send while a reply is due, or recv before a request, is EFSM.
// Every request goes out with an empty delimiter frame first; a reply must
// start with one, and comes only from the peer the request went to —
// anything else is dropped.
//
// ZMQ_REQ_RELAXED lifts the alternation: "it is allowed to send multiple
// requests and ... only the reply to the last request will be received";
// ZMQ_REQ_CORRELATE puts a request id (a 32-bit counter in host byte order,
// as libzmq writes it) before the delimiter and takes only a reply that
// starts with the same id. Both apply at once.
type req struct {
	opts      *Options
	out       lb
	in        fq
	replyDue  bool       // a whole request went out; recv is next
	midSend   bool       // frames of a request are going out
	replyPeer *loop.Peer // where the request went
	inBody    bool       // the delimiter of the reply was read
	idOK      bool       // the request id of the reply was read (REQ_CORRELATE)
	dropping  bool       // skipping the rest of a message that is not our reply
	reqID     uint32
}

func newReq(o *Options) *req { return &req{opts: o, reqID: rand.Uint32()} }

func (r *req) attach(p *loop.Peer) {
	r.out.attach(p)
	r.in.attach(p)
	probe(r.opts, p)
}
func (r *req) hiccup(p *loop.Peer) { probe(r.opts, p) }
func (r *req) from() *loop.Peer    { return r.in.last }
func (r *req) detach(p *loop.Peer) { r.out.detach(p); r.in.detach(p) }

func (r *req) send(m *ring.Msg) error {
	if r.replyDue {
		if !r.opts.ReqRelaxed {
			return errno.EFSM
		}
		r.replyDue = false // a new request; the last one's reply is dropped
	}
	if !r.midSend {
		p := r.out.pick()
		if p == nil {
			return errno.EAGAIN
		}
		r.replyPeer = p
		if r.opts.ReqCorrelate {
			r.reqID++
			id := ring.NewMsg(4)
			binary.NativeEndian.PutUint32(id.Data, r.reqID)
			id.Flags = ring.More
			r.out.write(p, &id)
		}
		delim := ring.Msg{Flags: ring.More}
		r.out.write(p, &delim)
		r.midSend = true
		r.inBody, r.idOK, r.dropping = false, false, false
		// Whatever waits to be read answers earlier requests: drop it, so
		// that a late reply is never taken for this request's (libzmq
		// does the same).
		r.in.more = false
		for {
			var old ring.Msg
			if r.in.recv(&old) != nil {
				break
			}
			old.Free()
		}
	}
	more := m.More()
	r.out.write(r.replyPeer, m)
	if !more {
		r.midSend = false
		r.replyDue = true
		r.inBody = false
	}
	return nil
}

func (r *req) recv(m *ring.Msg) error {
	if !r.replyDue {
		return errno.EFSM
	}
	for {
		var msg ring.Msg
		if err := r.in.recv(&msg); err != nil {
			return err
		}
		first := !r.inBody && !r.idOK
		switch {
		case r.dropping:
			r.dropping = msg.More()
			msg.Free()
		case first && r.in.last != r.replyPeer:
			r.dropping = msg.More() // not from the peer the request went to
			msg.Free()
		case first && r.opts.ReqCorrelate:
			// The first frame must be this request's id.
			if !msg.More() || len(msg.Data) != 4 || binary.NativeEndian.Uint32(msg.Data) != r.reqID {
				r.dropping = msg.More()
				msg.Free()
				continue
			}
			msg.Free()
			r.idOK = true
		case !r.inBody:
			// Then the empty delimiter.
			if len(msg.Data) != 0 || !msg.More() {
				r.dropping = msg.More()
				r.idOK = false
				msg.Free()
				continue
			}
			msg.Free()
			r.inBody = true
		default:
			if !msg.More() {
				r.replyDue = false
				r.inBody, r.idOK = false, false
			}
			*m = msg
			return nil
		}
	}
}

// rep: "Incoming routing strategy: Fair-queued"; "Outgoing routing
// strategy: Last peer". The envelope (every frame up to and including the
// empty delimiter) of each request is kept and sent back in front of the
// reply, to the peer the request came from. A reply to a peer that went away
// or is at its HWM is dropped, as libzmq's REP does.
type rep struct {
	in         fq
	envelope   []ring.Msg
	inBody     bool
	dropping   bool
	replyDue   bool // a whole request was received; send is next
	midSend    bool
	replyPeer  *loop.Peer
	discarding bool // the reply being sent cannot be delivered
}

func (r *rep) attach(p *loop.Peer) { r.in.attach(p) }
func (r *rep) detach(p *loop.Peer) { r.in.detach(p) }
func (r *rep) from() *loop.Peer    { return r.in.last }

func (r *rep) recv(m *ring.Msg) error {
	if r.replyDue {
		return errno.EFSM
	}
	for {
		var msg ring.Msg
		if err := r.in.recv(&msg); err != nil {
			return err
		}
		switch {
		case r.dropping:
			r.dropping = msg.More()
			msg.Free()
		case !r.inBody:
			if !msg.More() {
				// A message with no delimiter is not a request: drop it.
				msg.Free()
				r.freeEnvelope()
				continue
			}
			r.envelope = append(r.envelope, msg)
			if len(msg.Data) == 0 {
				r.inBody = true
			} else if len(r.envelope) > 64 {
				r.dropping = true // no delimiter in sight
				r.freeEnvelope()
			}
		default:
			if !msg.More() {
				r.inBody = false
				r.replyDue = true
				r.replyPeer = r.in.last
			}
			*m = msg
			return nil
		}
	}
}

func (r *rep) freeEnvelope() {
	for i := range r.envelope {
		r.envelope[i].Free()
	}
	r.envelope = r.envelope[:0]
}

func (r *rep) send(m *ring.Msg) error {
	if !r.replyDue {
		return errno.EFSM
	}
	more := m.More()
	if !r.midSend {
		r.midSend = true
		p := r.replyPeer
		r.discarding = p == nil || !p.Out.CheckWrite()
		if !r.discarding {
			for i := range r.envelope {
				p.Write(&r.envelope[i])
			}
			r.envelope = r.envelope[:0]
		} else {
			r.freeEnvelope()
		}
	}
	if r.discarding {
		m.Free()
	} else {
		r.replyPeer.Write(m)
	}
	if !more {
		r.midSend = false
		r.replyDue = false
		r.replyPeer = nil
	}
	return nil
}

// readsPeers: the socket type reads what its peers send only through
// loop.Peer.Read (fq, pair), so its own drives may leave messages in the
// peers' local queues (loop.Config.RecvOnConn). PUB and XPUB read
// subscriptions from In themselves; PUSH reads nothing; STREAM's
// connections are raw.
func (t Type) readsPeers() bool {
	switch t {
	case PULL, PAIR, REQ, REP, DEALER, ROUTER, SUB, XSUB:
		return true
	}
	return false
}
