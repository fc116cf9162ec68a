package sockets

import (
	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/loop"
	"github.com/zring/zring/ring"
)

// Subscriptions travel inside zring as libzmq keeps them in its pipes: a
// one-frame message of 0x01 (subscribe) or 0x00 (cancel) and the topic.
// The session turns them into SUBSCRIBE and CANCEL commands for ZMTP 3.1
// peers and back (loop.session), so a pattern sees one form whatever the
// peer speaks.
const (
	subCancel    = 0
	subSubscribe = 1
)

// subTrie maps topic prefixes to the subscribers of each, for matching a
// message against every subscription at once: walking the message's bytes
// down the trie visits exactly the subscriptions that are prefixes of it.
// A node's subs holds each subscriber once, as libzmq's publisher does (a
// peer subscribing twice to a topic is still sent each message once, and
// one cancel removes it).
type subTrie struct {
	root trieNode
}

type trieNode struct {
	next map[byte]*trieNode
	subs []*pubPeer
}

// add subscribes p to topic; it reports whether p was not already.
func (t *subTrie) add(topic []byte, p *pubPeer) bool {
	n := &t.root
	for _, c := range topic {
		child := n.next[c]
		if child == nil {
			if n.next == nil {
				n.next = map[byte]*trieNode{}
			}
			child = &trieNode{}
			n.next[c] = child
		}
		n = child
	}
	for _, q := range n.subs {
		if q == p {
			return false
		}
	}
	n.subs = append(n.subs, p)
	return true
}

// rm cancels p's subscription to topic and prunes nodes left empty; it
// reports whether p was subscribed.
func (t *subTrie) rm(topic []byte, p *pubPeer) bool {
	return rmFrom(&t.root, topic, p)
}

func rmFrom(n *trieNode, topic []byte, p *pubPeer) bool {
	if len(topic) == 0 {
		for i, q := range n.subs {
			if q == p {
				n.subs[i] = n.subs[len(n.subs)-1]
				n.subs[len(n.subs)-1] = nil
				n.subs = n.subs[:len(n.subs)-1]
				return true
			}
		}
		return false
	}
	child := n.next[topic[0]]
	if child == nil || !rmFrom(child, topic[1:], p) {
		return false
	}
	if len(child.subs) == 0 && len(child.next) == 0 {
		delete(n.next, topic[0])
	}
	return true
}

// rmAll cancels every subscription of p (its connection is gone).
func (t *subTrie) rmAll(p *pubPeer) {
	for _, topic := range p.topics() {
		t.rm(topic, p)
	}
}

// match calls f for each subscriber with a subscription that is a prefix
// of msg, each once (gen marks the ones already visited).
func (t *subTrie) match(msg []byte, gen uint64, f func(*pubPeer)) {
	n := &t.root
	for i := 0; ; i++ {
		for _, p := range n.subs {
			if p.mark != gen {
				p.mark = gen
				f(p)
			}
		}
		if i == len(msg) || n.next == nil {
			return
		}
		if n = n.next[msg[i]]; n == nil {
			return
		}
	}
}

// pubPeer is a publisher's view of one subscriber.
type pubPeer struct {
	p    *loop.Peer
	mark uint64          // subTrie.match's visit mark
	subs map[string]bool // its subscriptions, to drop them when it goes
}

func (pp *pubPeer) topics() [][]byte {
	out := make([][]byte, 0, len(pp.subs))
	for t := range pp.subs {
		out = append(out, []byte(t))
	}
	return out
}

// pub: "A socket of type ZMQ_PUB is used by a publisher to distribute
// data. Messages sent are distributed in a fan out fashion to all
// connected peers." Only to those subscribed to a prefix of the message
// (filtering on the publisher's side, as libzmq does for tcp and ipc), and
// "When a ZMQ_PUB socket enters the mute state due to having reached the
// high water mark for a subscriber, then any messages that would be sent
// to the subscriber in question shall instead be dropped until the mute
// state ends. The zmq_send() function shall never block for this socket
// type."
type pub struct {
	peers   map[*loop.Peer]*pubPeer
	trie    subTrie
	gen     uint64
	targets []*pubPeer // where the message being sent goes
	mid     bool       // frames of a message are being sent
}

func newPub() *pub { return &pub{peers: map[*loop.Peer]*pubPeer{}} }

func (x *pub) attach(p *loop.Peer) {
	if x.peers[p] == nil {
		x.peers[p] = &pubPeer{p: p, subs: map[string]bool{}}
	}
}

func (x *pub) detach(p *loop.Peer) {
	pp := x.peers[p]
	if pp == nil {
		return
	}
	x.trie.rmAll(pp)
	delete(x.peers, p)
	for i, t := range x.targets {
		if t == pp {
			x.targets[i] = x.targets[len(x.targets)-1]
			x.targets = x.targets[:len(x.targets)-1]
			break
		}
	}
}

// readSubscriptions applies what the subscribers sent: subscription
// messages; anything else a SUB should not send is dropped.
func (x *pub) readSubscriptions() {
	for _, pp := range x.peers {
		for {
			m, ok := pp.p.In.Read()
			if !ok {
				break
			}
			if !m.More() && len(m.Data) > 0 {
				topic := m.Data[1:]
				switch m.Data[0] {
				case subSubscribe:
					if x.trie.add(topic, pp) {
						pp.subs[string(topic)] = true
					}
				case subCancel:
					if x.trie.rm(topic, pp) {
						delete(pp.subs, string(topic))
					}
				}
			}
			m.Free()
		}
	}
}

func (x *pub) send(m *ring.Msg) error {
	if !x.mid {
		x.readSubscriptions()
		x.gen++
		x.targets = x.targets[:0]
		x.trie.match(m.Data, x.gen, func(pp *pubPeer) {
			if pp.p.Out.CheckWrite() {
				x.targets = append(x.targets, pp)
			}
		})
	}
	x.mid = m.More()
	for i, pp := range x.targets {
		var c ring.Msg
		if i == len(x.targets)-1 {
			c, *m = *m, ring.Msg{}
		} else {
			c = m.Clone()
		}
		pp.p.Out.Write(c)
		if !x.mid {
			pp.p.Out.Flush()
		}
	}
	m.Free() // no subscriber: dropped
	return nil
}

func (x *pub) recv(*ring.Msg) error { return errno.ENOTSUP }

// sub: "A socket of type ZMQ_SUB is used by a subscriber to subscribe to
// data distributed by a publisher. Initially a ZMQ_SUB socket is not
// subscribed to any messages, use the ZMQ_SUBSCRIBE option of
// zmq_setsockopt(3) to specify which messages to subscribe to. The
// zmq_send() function is not implemented for this socket type."
//
// Subscriptions are counted, as zmq_setsockopt(3) says of
// ZMQ_UNSUBSCRIBE: "If the socket has several instances of the same
// subscription, only a single instance shall be removed". Each subscribe
// goes to every publisher, a cancel only when the last instance goes (the
// publisher keeps one per subscriber); a publisher that connects, or
// reconnects, is sent them all. Messages are also matched here, so that
// none slips through while a cancel is on its way.
type sub struct {
	in     fq
	peers  []*loop.Peer
	counts map[string]int
	mid    bool // passing the frames of a matching message
	drop   bool // skipping the frames of one that does not match
}

func newSub() *sub { return &sub{counts: map[string]int{}} }

func (x *sub) attach(p *loop.Peer) {
	x.peers = append(x.peers, p)
	x.in.attach(p)
	x.hiccup(p)
}

// hiccup: p is connected anew (or for the first time): tell it every
// subscription. They are written past the HWM: a subscription is never
// dropped.
func (x *sub) hiccup(p *loop.Peer) {
	for topic := range x.counts {
		writeSub(p, subSubscribe, []byte(topic))
	}
	p.Out.Flush()
}

func (x *sub) detach(p *loop.Peer) {
	for i, q := range x.peers {
		if q == p {
			x.peers = append(x.peers[:i], x.peers[i+1:]...)
			break
		}
	}
	x.in.detach(p)
}

func writeSub(p *loop.Peer, kind byte, topic []byte) {
	m := ring.NewMsg(len(topic) + 1)
	m.Data[0] = kind
	copy(m.Data[1:], topic)
	p.Out.Write(m)
}

// subscribe is ZMQ_SUBSCRIBE (on) and ZMQ_UNSUBSCRIBE (off).
func (x *sub) subscribe(topic []byte, on bool) {
	k := string(topic)
	if on {
		x.counts[k]++
	} else {
		n, ok := x.counts[k]
		if !ok {
			return
		}
		if n > 1 {
			x.counts[k] = n - 1
			return
		}
		delete(x.counts, k)
	}
	kind := byte(subCancel)
	if on {
		kind = subSubscribe
	}
	for _, p := range x.peers {
		writeSub(p, kind, topic)
		p.Out.Flush()
	}
}

func (x *sub) matches(msg []byte) bool {
	for topic := range x.counts {
		if len(topic) <= len(msg) && string(msg[:len(topic)]) == topic {
			return true
		}
	}
	return false
}

func (x *sub) recv(m *ring.Msg) error {
	for {
		var msg ring.Msg
		if err := x.in.recv(&msg); err != nil {
			return err
		}
		switch {
		case x.drop:
			x.drop = msg.More()
			msg.Free()
		case x.mid:
			x.mid = msg.More()
			*m = msg
			return nil
		case x.matches(msg.Data):
			x.mid = msg.More()
			*m = msg
			return nil
		default:
			x.drop = msg.More()
			msg.Free()
		}
	}
}

func (x *sub) send(*ring.Msg) error { return errno.ENOTSUP }
