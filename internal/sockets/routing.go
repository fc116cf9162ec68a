package sockets

import (
	"slices"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// lb load-balances outgoing messages round-robin over the peers that can
// take one, keeping all frames of a message on one peer.
type lb struct {
	peers    []*loop.Peer
	cur      int
	more     bool // mid-message on peers[cur]
	dropping bool // the peer of a half-sent message went away: drop its rest
}

func (l *lb) attach(p *loop.Peer) { l.peers = append(l.peers, p) }

func (l *lb) detach(p *loop.Peer) {
	for i, q := range l.peers {
		if q == p {
			l.remove(i)
			return
		}
	}
}

func (l *lb) remove(i int) {
	if l.more && i == l.cur {
		l.more = false
		l.dropping = true
	}
	copy(l.peers[i:], l.peers[i+1:])
	l.peers[len(l.peers)-1] = nil
	l.peers = l.peers[:len(l.peers)-1]
	if l.cur > i || l.cur >= len(l.peers) {
		if l.cur > 0 {
			l.cur--
		}
	}
	if len(l.peers) > 0 && l.cur >= len(l.peers) {
		l.cur = 0
	}
}

// pick chooses the peer for a new message: the next one, in turn, below its
// HWM. It returns nil when every peer is mute (or there are none).
func (l *lb) pick() *loop.Peer {
	for tries := len(l.peers); tries > 0 && len(l.peers) > 0; tries-- {
		p := l.peers[l.cur]
		if p.Out.CheckWrite() {
			return p
		}
		if p.Out.Detached() {
			l.remove(l.cur)
			continue
		}
		l.cur = (l.cur + 1) % len(l.peers)
	}
	return nil
}

// send writes one frame; the pipe takes m's memory and m is zeroed. It
// returns EAGAIN, having written nothing, when all peers are mute.
func (l *lb) send(m *ring.Msg) error {
	if l.dropping {
		l.dropping = m.More()
		m.Free()
		return nil
	}
	if !l.more && l.pick() == nil {
		return errno.EAGAIN
	}
	l.write(l.peers[l.cur], m)
	return nil
}

// write puts one frame on p (which must be peers[cur]) and advances the
// round-robin at the end of a message.
func (l *lb) write(p *loop.Peer, m *ring.Msg) {
	more := m.More()
	p.Write(m)
	l.more = more
	if !more {
		l.cur = (l.cur + 1) % len(l.peers)
	}
}

// fq fair-queues incoming messages: one whole message from each peer in
// turn.
type fq struct {
	peers []*loop.Peer
	cur   int
	more  bool       // mid-message on peers[cur]
	last  *loop.Peer // the peer of the last frame returned
	// onRemove, if set, hears of each peer dropped once drained.
	onRemove func(*loop.Peer)
	// retiring is a peer to stop reading once the message being read from
	// it ends (retire).
	retiring *loop.Peer
}

func (f *fq) attach(p *loop.Peer) { f.peers = append(f.peers, p) }

// detach does nothing at once: the peer's In pipe still holds what arrived,
// and recv drops the peer when it has read it all (In is then Closed).
func (f *fq) detach(*loop.Peer) {}

// retire stops reading p, as libzmq terminates a pipe: what p sent and was
// not read is dropped, and so is all it sends later. A message being read
// from p is finished first. onRemove does not hear of p.
func (f *fq) retire(p *loop.Peer) {
	i := slices.Index(f.peers, p)
	if i < 0 {
		return
	}
	if f.more && i == f.cur {
		f.retiring = p
		return
	}
	p.DropIn()
	f.cut(i)
}

func (f *fq) remove(i int) {
	if f.onRemove != nil {
		f.onRemove(f.peers[i])
	}
	f.cut(i)
}

func (f *fq) cut(i int) {
	if f.retiring == f.peers[i] {
		f.retiring = nil
	}
	copy(f.peers[i:], f.peers[i+1:])
	f.peers[len(f.peers)-1] = nil
	f.peers = f.peers[:len(f.peers)-1]
	if f.cur > i {
		f.cur--
	}
	if f.cur >= len(f.peers) {
		f.cur = 0
	}
}

// recv returns the next frame, or EAGAIN when no peer has one. Every pipe
// found empty is left marked "reader asleep", so the next message wakes the
// socket.
func (f *fq) recv(m *ring.Msg) error {
	for tries := len(f.peers); tries > 0 && len(f.peers) > 0; {
		p := f.peers[f.cur]
		if p.Read(m) {
			f.last = p
			f.more = m.More()
			if !f.more {
				if p == f.retiring {
					p.DropIn()
					f.cut(f.cur)
				} else {
					f.cur = (f.cur + 1) % len(f.peers)
				}
			}
			return nil
		}
		if p.InClosed() {
			f.more = false
			f.remove(f.cur)
			tries--
			continue
		}
		if f.more {
			// Messages are published whole, so this cannot happen; do not
			// spin on it.
			return errno.EAGAIN
		}
		f.cur = (f.cur + 1) % len(f.peers)
		tries--
	}
	return errno.EAGAIN
}

func (f *fq) from() *loop.Peer { return f.last }

// hasIn reports whether a frame is waiting on any peer.
func (f *fq) hasIn() bool {
	for _, p := range f.peers {
		if p.HasIn() {
			return true
		}
	}
	return false
}
