package sockets

import (
	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
)

// Readiness bits of ZMQ_EVENTS and zmq_poll, as zmq.h numbers them.
const (
	PollIn  = 1
	PollOut = 2
)

// sender is a pattern that can tell whether a send would go through now.
type sender interface{ canSend() bool }

// Events is ZMQ_EVENTS: PollIn if a Recv would return a frame now,
// PollOut if a Send would not block. For PollIn a frame is received ahead
// (a SUB must find a message that matches) and kept for the next Recv.
// The socket's goroutine.
func (s *Socket) Events() (int, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if s.ctx.terminated() {
		return 0, errno.ETERM
	}
	s.processCmds()
	s.handBack()
	ev := 0
	if s.hasPre || s.opts.RcvMore { // the rest of a message is there
		ev |= PollIn
	} else if from := s.pat.from(); s.pat.recv(&s.pre) == nil {
		s.preFrom = from
		s.hasPre = true
		ev |= PollIn
	}
	if sd, ok := s.pat.(sender); ok && sd.canSend() {
		ev |= PollOut
	}
	return ev, nil
}

// SetPollChannel makes Wake signal ch as well (nil: no longer). A Poller
// uses it to wait on several sockets at once.
func (s *Socket) SetPollChannel(ch *chan struct{}) { s.pollCh.Store(ch) }

// anyWritable: some peer's pipe has room for a message.
func anyWritable(peers []*loop.Peer) bool {
	for _, p := range peers {
		if p.Out.CheckWrite() {
			return true
		}
	}
	return false
}

func (l *lb) canSend() bool   { return l.more || anyWritable(l.peers) }
func (*pull) canSend() bool   { return false }
func (p *pair) canSend() bool { return p.peer != nil && (p.more || p.peer.Out.CheckWrite()) }
func (r *req) canSend() bool {
	return (!r.replyDue || r.opts.ReqRelaxed) && (r.midSend || anyWritable(r.out.peers))
}
func (r *rep) canSend() bool    { return r.replyDue }
func (d *dealer) canSend() bool { return d.lb.canSend() }

// A ROUTER "will generate a ZMQ_POLLOUT event on every call" unless
// ZMQ_ROUTER_MANDATORY: then only when a peer can take a message.
func (r *router) canSend() bool {
	if !r.opts.RouterMandatory || r.outMid {
		return true
	}
	for p := range r.ids {
		if p.Out.CheckWrite() {
			return true
		}
	}
	return false
}

// A PUB never blocks; an XPUB with ZMQ_XPUB_NODROP does at a full pipe.
func (x *pub) canSend() bool {
	if !x.xpub || !x.opts.XPubNoDrop {
		return true
	}
	for _, pp := range x.peers {
		if !pp.p.Out.CheckWrite() {
			return false
		}
	}
	return true
}

func (x *sub) canSend() bool { return x.xsub }
