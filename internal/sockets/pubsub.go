package sockets

import (
	"bytes"
	"slices"
	"sync/atomic"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// Subscriptions travel inside zring as libzmq keeps them in its pipes: a
// one-frame message of 0x01 (subscribe) or 0x00 (cancel) and the topic.
// The session's codec turns them into SUBSCRIBE and CANCEL commands for
// ZMTP 3.1 peers and back (zmtp.Encoder, zmtp.Decoder; the socket asks for
// that through loop.Config), so a pattern sees one form whatever the peer
// speaks.
const (
	subCancel    = 0
	subSubscribe = 1
)

// takesSubscriptions: the sockets that publish take their peers' SUBSCRIBE
// and CANCEL commands, as subscription messages (loop.Config).
func (t Type) takesSubscriptions() bool { return t == PUB || t == XPUB }

// sendsSubscriptions: the sockets that subscribe send their subscription
// messages to ZMTP 3.1 peers as SUBSCRIBE and CANCEL commands (loop.Config).
func (t Type) sendsSubscriptions() bool { return t == SUB || t == XSUB }

// subTrie maps topic prefixes to the subscribers of each, for matching a
// message against every subscription at once: walking the message's bytes
// down the trie visits exactly the subscriptions that are prefixes of it.
// A node's subs holds each subscriber once, as libzmq's publisher does (a
// peer subscribing twice to a topic is still sent each message once, and
// one cancel removes it).
//
// Edges carry runs of bytes (a radix trie), and nothing here recurses: a
// node per topic byte cost 223 bytes of heap per byte a peer (measured)
// subscribed with, and cancelling walked the topic by recursion, one stack
// frame per byte, so one long enough subscription and its cancel could
// exhaust the publisher's memory or its goroutine's stack. Now a topic
// costs its own length plus a node per branch.
type subTrie struct {
	root trieNode
}

type trieNode struct {
	label []byte             // the bytes on the edge into this node; never written after
	next  map[byte]*trieNode // children, by the first byte of their label
	subs  []*pubPeer
}

// add subscribes p to topic; it reports whether p was not already, and
// whether p is the topic's first subscriber.
func (t *subTrie) add(topic []byte, p *pubPeer) (added, first bool) {
	n := &t.root
	for rest := topic; len(rest) > 0; {
		child := n.next[rest[0]]
		if child == nil {
			child = &trieNode{label: bytes.Clone(rest)}
			if n.next == nil {
				n.next = map[byte]*trieNode{}
			}
			n.next[rest[0]] = child
			n = child
			break
		}
		common := commonPrefix(child.label, rest)
		if common < len(child.label) {
			// The topic leaves the edge part way: a node where it does.
			mid := &trieNode{label: child.label[:common:common]}
			child.label = child.label[common:]
			mid.next = map[byte]*trieNode{child.label[0]: child}
			n.next[rest[0]] = mid
			child = mid
		}
		n, rest = child, rest[common:]
	}
	for _, q := range n.subs {
		if q == p {
			return false, false
		}
	}
	n.subs = append(n.subs, p)
	return true, len(n.subs) == 1
}

// rm cancels p's subscription to topic, and prunes and merges the nodes
// that leaves without a purpose; it reports whether p was subscribed, and
// whether the topic has no subscriber left.
func (t *subTrie) rm(topic []byte, p *pubPeer) (removed, last bool) {
	// The path from the root, one node per edge: as long as the topic's
	// branch points, not its bytes.
	path := []*trieNode{&t.root}
	n := &t.root
	for rest := topic; len(rest) > 0; {
		child := n.next[rest[0]]
		if child == nil || !bytes.HasPrefix(rest, child.label) {
			return false, false
		}
		n, rest = child, rest[len(child.label):]
		path = append(path, n)
	}
	i := slices.Index(n.subs, p)
	if i < 0 {
		return false, false
	}
	n.subs[i] = n.subs[len(n.subs)-1]
	n.subs[len(n.subs)-1] = nil
	n.subs = n.subs[:len(n.subs)-1]
	last = len(n.subs) == 0
	// Up the path: a node with neither subscribers nor children goes; one
	// with no subscribers and a single child merges into that child.
	for k := len(path) - 1; k > 0; k-- {
		x, parent := path[k], path[k-1]
		if len(x.subs) != 0 || len(x.next) > 1 {
			break
		}
		if len(x.next) == 0 {
			delete(parent.next, x.label[0])
			continue
		}
		for _, only := range x.next {
			only.label = append(slices.Clip(x.label), only.label...)
			parent.next[x.label[0]] = only
		}
		break
	}
	return true, last
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// match calls f for each subscriber with a subscription that is a prefix
// of msg, each once (gen marks the ones already visited).
func (t *subTrie) match(msg []byte, gen uint64, f func(*pubPeer)) {
	n := &t.root
	for rest := msg; ; {
		for _, p := range n.subs {
			if p.mark != gen {
				p.mark = gen
				f(p)
			}
		}
		if len(rest) == 0 || n.next == nil {
			return
		}
		child := n.next[rest[0]]
		if child == nil || !bytes.HasPrefix(rest, child.label) {
			return
		}
		n, rest = child, rest[len(child.label):]
	}
}

// pubPeer is a publisher's view of one subscriber.
type pubPeer struct {
	p    *loop.Peer
	mark uint64          // subTrie.match's visit mark
	subs map[string]bool // its subscriptions, to drop them when it goes
	// inMid: the subscriber is mid-way through a multipart message;
	// subsMid: a part of it may still be a subscription (every part may,
	// unless ZMQ_ONLY_FIRST_SUBSCRIBE and the first part was not one).
	inMid, subsMid bool
	// owner, for a publisher's subscriber: the waker of its In pipe marks
	// the publisher's pipes to read (see pub.dirty).
	owner *pub
	// dropped counts the messages not sent to it at its HWM since the
	// last EventMessagesDropped about it.
	dropped uint64
	// leaving: readFrom found both its pipes let go and is detaching it.
	leaving bool
}

// Wake is the reader waker of the subscriber's In pipe: it has something
// (a subscription, mostly) after the publisher found it empty.
func (pp *pubPeer) Wake() {
	pp.owner.dirty.Store(true)
	if w := pp.owner.sock; w != nil {
		w.Wake()
	}
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
//
// With xpub set it is an XPUB: "Same as ZMQ_PUB except that you can
// receive subscriptions from the peers in form of incoming messages.
// Subscription message is a byte 1 (for subscriptions) or byte 0 (for
// unsubscriptions) followed by the subscription body. Messages without a
// sub/unsub prefix are also received, but have no effect on subscription
// status." Only the first subscription to a topic, the last cancel of it
// and a cancel of what the subscriber did not hold are passed on, unless
// ZMQ_XPUB_VERBOSE (every subscribe) or ZMQ_XPUB_VERBOSER (every subscribe
// and cancel); a subscriber that goes cancels what it held. ZMQ_XPUB_NODROP blocks (EAGAIN) at a subscriber's
// HWM instead of dropping, and ZMQ_XPUB_WELCOME_MSG greets each new one.
type pub struct {
	xpub  bool
	opts  *Options
	peers map[*loop.Peer]*pubPeer
	trie  subTrie
	gen   uint64
	// targets are the Out pipes of the subscribers the message being sent
	// goes to: the pipes themselves, so that fanOut's pass over 1,000 of
	// them loads one pointer each, not pubPeer → Peer → Out.
	targets []*ring.Pipe
	mid     bool // frames of a message are being sent
	// XPUB: what recv hands out, oldest first.
	pending []pendingMsg
	// lastFrom is the subscriber whose message recv handed out last: with
	// ZMQ_XPUB_MANUAL, ZMQ_SUBSCRIBE on the XPUB applies to it.
	lastFrom *pubPeer
	// sendLast: with ZMQ_XPUB_MANUAL_LAST_VALUE, recv handed out a
	// subscription, so the next message goes to lastFrom alone (if it
	// matches what lastFrom holds); that send also forgets lastFrom, as
	// libzmq 4.3.4 does, so a ZMQ_SUBSCRIBE after it applies to no one.
	sendLast bool
	// dirty says that some subscriber's In pipe has woken since the pipes
	// were last read: only then does a send read them all, so a publisher
	// with many subscribers does not look at every pipe for every message.
	dirty atomic.Bool
	sock  ring.Waker // the socket, woken as well
	// events takes the socket's monitor events (the Socket itself).
	events eventSink
	// dropped counts every message not sent to a subscriber at its HWM
	// (Socket.Dropped).
	dropped uint64
}

// pendingMsg is a message an XPUB's recv hands out, who sent it, and
// whether it is a subscription (made by notify) rather than one passed on.
type pendingMsg struct {
	m    ring.Msg
	from *pubPeer
	sub  bool
}

// setWaker gives the publisher its socket's waker (Socket construction),
// which also takes its monitor events.
func (x *pub) setWaker(w ring.Waker) {
	x.sock = w
	x.events, _ = w.(eventSink)
}

func (x *pub) droppedTotal() uint64 { return x.dropped }

// dropsReported sends the EventMessagesDropped that pp's count owes.
func (x *pub) dropsReported(pp *pubPeer) {
	reportDrops(x.events, pp.p, pp.dropped)
	pp.dropped = 0
}

func newPub(xpub bool, o *Options) *pub {
	return &pub{xpub: xpub, opts: o, peers: map[*loop.Peer]*pubPeer{}}
}

func (x *pub) attach(p *loop.Peer) {
	if x.peers[p] != nil {
		return
	}
	pp := &pubPeer{p: p, subs: map[string]bool{}, owner: x}
	x.peers[p] = pp
	p.In.SetReaderWaker(pp)
	x.dirty.Store(true)
	if x.xpub && len(x.opts.XPubWelcomeMsg) > 0 {
		m := ring.NewMsg(len(x.opts.XPubWelcomeMsg))
		copy(m.Data, x.opts.XPubWelcomeMsg)
		p.Out.Write(m)
		p.Out.Flush()
	}
}

// hiccup: pipes the publisher has, on a new connection. Socket.Attach
// made the socket their In pipe's waker again; take it back.
func (x *pub) hiccup(p *loop.Peer) {
	if pp := x.peers[p]; pp != nil {
		p.In.SetReaderWaker(pp)
		x.dirty.Store(true)
	}
}

func (x *pub) detach(p *loop.Peer) {
	pp := x.peers[p]
	if pp == nil {
		return
	}
	// What it sent before it went still counts (libzmq reads a pipe to its
	// end before it lets go), then what it held is cancelled.
	x.readFrom(pp)
	for topic := range pp.subs {
		if _, last := x.trie.rm([]byte(topic), pp); last || x.opts.XPubVerboser {
			x.notify(subCancel, []byte(topic), nil)
		}
	}
	if pp.dropped != 0 {
		x.dropsReported(pp)
	}
	delete(x.peers, p)
	if x.lastFrom == pp {
		x.lastFrom = nil
	}
	for i := range x.pending {
		if x.pending[i].from == pp {
			x.pending[i].from = nil
		}
	}
	for i, t := range x.targets {
		if t == p.Out {
			x.targets[i] = x.targets[len(x.targets)-1]
			x.targets = x.targets[:len(x.targets)-1]
			break
		}
	}
}

// notify queues a subscription message for an XPUB's recv.
func (x *pub) notify(kind byte, topic []byte, from *pubPeer) {
	if !x.xpub {
		return
	}
	m := ring.NewMsg(len(topic) + 1)
	m.Data[0] = kind
	copy(m.Data[1:], topic)
	x.pending = append(x.pending, pendingMsg{m, from, true})
}

// readSubscriptions applies what the subscribers sent, if any pipe woke.
// Reading a pipe to its end leaves it marked asleep, so the next
// subscription on it calls its waker again.
func (x *pub) readSubscriptions() {
	if !x.dirty.Swap(false) {
		return
	}
	for _, pp := range x.peers {
		x.readFrom(pp)
	}
}

func (x *pub) readFrom(pp *pubPeer) {
	for {
		m, ok := pp.p.In.Read()
		if !ok {
			// An inproc subscriber that closed or disconnected has let go
			// of both pipes, and no session will say so: it goes now, and
			// its subscriptions with it (an XPUB passes the cancels on, as
			// libzmq does when a pipe ends). A tcp or ipc one is detached
			// by its session as well; detach is idempotent.
			if !pp.leaving && pp.p.InClosed() && pp.p.Out.Detached() {
				pp.leaving = true
				x.detach(pp.p)
			}
			return
		}
		// Any part of a message that starts with 0x01 or 0x00 is a
		// subscription, as in libzmq 4.3.4 (zmq_setsockopt(3): "subscribe/
		// unsubscribe messages in a multipart message are processed as such
		// regardless of their number and order"). ZMQ_ONLY_FIRST_SUBSCRIBE:
		// "only the first part of the multipart message is processed as a
		// subscribe/unsubscribe message. The rest are forwarded as user
		// data" — which 4.3.4 does only when the first part is not a
		// subscription: after one that is, later parts still count.
		first := !pp.inMid
		pp.inMid = m.More()
		isSub := (first || pp.subsMid) && len(m.Data) > 0 && m.Data[0] <= 1
		if first {
			pp.subsMid = !x.opts.OnlyFirstSubscribe || isSub
		}
		if !isSub {
			// An XPUB hands it on as it came, its More flag too (a PUB has
			// no use for it).
			if x.xpub {
				x.pending = append(x.pending, pendingMsg{m, pp, false})
			} else {
				m.Free()
			}
			continue
		}
		topic := m.Data[1:]
		if x.xpub && x.opts.XPubManual {
			// ZMQ_XPUB_MANUAL: "subscription requests are not added to the
			// subscription list"; each goes to the application, whose
			// ZMQ_SUBSCRIBE applies it (manualSubscribe).
			x.notify(m.Data[0], topic, pp)
			m.Free()
			continue
		}
		if m.Data[0] == subSubscribe {
			added, first := x.trie.add(topic, pp)
			if added {
				pp.subs[string(topic)] = true
			}
			if first || x.opts.XPubVerbose || x.opts.XPubVerboser {
				x.notify(subSubscribe, topic, pp)
			}
		} else {
			removed, last := x.trie.rm(topic, pp)
			if removed {
				delete(pp.subs, string(topic))
			}
			// A cancel of what this subscriber did not hold is passed on
			// too, as libzmq 4.3.4 passes it (its trie says "not found",
			// which is not "values remain"), whoever else holds the topic.
			if !removed || last || x.opts.XPubVerboser {
				x.notify(subCancel, topic, pp)
			}
		}
		m.Free()
	}
}

func (x *pub) send(m *ring.Msg) error {
	if !x.mid {
		x.readSubscriptions()
		x.gen++
		x.targets = x.targets[:0]
		nodrop := x.xpub && x.opts.XPubNoDrop
		full := false
		// ZMQ_XPUB_MANUAL_LAST_VALUE: "send the first message to the last
		// subscriber after the socket receives a subscription and call
		// setsockopt with ZMQ_SUBSCRIBE".
		var only *pubPeer
		if x.sendLast {
			only, x.lastFrom, x.sendLast = x.lastFrom, nil, false
		}
		take := func(pp *pubPeer) {
			switch {
			case only != nil && pp != only:
			case pp.p.Out.CheckWrite():
				if pp.dropped != 0 {
					x.dropsReported(pp)
				}
				x.targets = append(x.targets, pp.p.Out)
			case nodrop && !pp.p.Out.Detached():
				full = true
			default:
				// "dropped until the mute state ends": counted, per
				// subscriber and for the socket.
				pp.dropped++
				x.dropped++
			}
		}
		if x.opts.InvertMatching {
			// "sent to all connected sockets except those subscribed to a
			// prefix that matches the message": mark the matches, take the
			// rest.
			x.trie.match(m.Data, x.gen, func(*pubPeer) {})
			for _, pp := range x.peers {
				if pp.mark != x.gen {
					take(pp)
				}
			}
		} else {
			x.trie.match(m.Data, x.gen, take)
		}
		if full {
			x.targets = x.targets[:0]
			return errno.EAGAIN // ZMQ_XPUB_NODROP: wait for room
		}
	}
	x.mid = m.More()
	fanOut(m, x.targets)
	return nil
}

// fanOut writes frame m to each of pipes, and flushes them at a message's
// end. The frame is shared, never copied: one Share takes all the
// references at once, where a Clone per pipe would take them one atomic
// add at a time, on a line the sessions' Frees of earlier frames are also
// writing. The last pipe gets m itself. With no pipe, m is dropped. m is
// zero after.
func fanOut(m *ring.Msg, pipes []*ring.Pipe) {
	n := len(pipes)
	if n == 0 {
		m.Free()
		return
	}
	end := !m.More()
	if n > 1 {
		m.Share(n - 1)
	}
	for i, p := range pipes {
		c := *m
		if i == n-1 {
			*m = ring.Msg{}
		}
		p.Write(c)
		if end {
			p.Flush()
		}
	}
}

// manualSubscribe is ZMQ_SUBSCRIBE and ZMQ_UNSUBSCRIBE on an XPUB with
// ZMQ_XPUB_MANUAL: the topic is added for, or removed from, the subscriber
// whose message Recv returned last. EINVAL otherwise, as in libzmq.
func (x *pub) manualSubscribe(topic []byte, on bool) error {
	if !x.xpub || !x.opts.XPubManual {
		return errno.Invalidf("for SUB sockets, and XPUB with ZMQ_XPUB_MANUAL")
	}
	pp := x.lastFrom
	if pp == nil {
		return nil // that subscriber has gone
	}
	if on {
		if added, _ := x.trie.add(topic, pp); added {
			pp.subs[string(topic)] = true
		}
	} else if removed, _ := x.trie.rm(topic, pp); removed {
		delete(pp.subs, string(topic))
	}
	return nil
}

func (x *pub) from() *loop.Peer {
	if x.lastFrom == nil {
		return nil
	}
	return x.lastFrom.p
}

func (x *pub) recv(m *ring.Msg) error {
	if !x.xpub {
		return errno.ENOTSUP
	}
	x.readSubscriptions()
	if len(x.pending) == 0 {
		return errno.EAGAIN
	}
	*m, x.lastFrom = x.pending[0].m, x.pending[0].from
	x.sendLast = x.pending[0].sub && x.lastFrom != nil && x.opts.XPubManual && x.opts.XPubManualLastValue
	x.pending[0] = pendingMsg{}
	x.pending = x.pending[1:]
	if len(x.pending) == 0 {
		x.pending = x.pending[:0:0]
	}
	return nil
}

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
// reconnects, is sent them all. A SUB also matches what it receives, so
// that nothing slips through while a cancel is on its way.
//
// With xsub set it is an XSUB: "Same as ZMQ_SUB except that you subscribe
// by sending subscription messages to the socket. Subscription message is
// a byte 1 (for subscriptions) or byte 0 (for unsubscriptions) followed by
// the subscription body. Messages without a sub/unsub prefix may also be
// sent, but have no effect on subscription status." They go to every
// publisher, dropped for one at its HWM. Each part of a multipart message
// that starts with 0x01 or 0x00 is counted as a subscription too, and goes
// with the message (ZMQ_ONLY_FIRST_SUBSCRIBE: not after a first part that
// is not one).
type sub struct {
	opts     *Options // ZMQ_INVERT_MATCHING, ZMQ_ONLY_FIRST_SUBSCRIBE
	xsub     bool
	sendMid  bool // the frames of a message are going out
	sendSubs bool // a later part of it may be a subscription
	sentPart bool // some part of it has gone out
	in       fq
	peers    []*loop.Peer
	counts   map[string]int
	mid      bool         // passing the frames of a matching message
	drop     bool         // skipping the frames of one that does not match
	targets  []*ring.Pipe // XSUB: the Out pipes the plain message being sent goes to
	// trie holds each subscribed topic once, under self, for matching.
	trie subTrie
	self pubPeer
	gen  uint64
}

func newSub(xsub bool, o *Options) *sub { return &sub{xsub: xsub, opts: o, counts: map[string]int{}} }

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
	for i, q := range x.targets {
		if q == p.Out {
			x.targets = append(x.targets[:i], x.targets[i+1:]...)
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

// count records one subscribe (on) or cancel of topic and reports whether
// it goes to the publishers: every subscribe does, a cancel only when it
// removes the last instance.
func (x *sub) count(topic []byte, on bool) bool {
	k := string(topic)
	if on {
		if x.counts[k]++; x.counts[k] == 1 {
			x.trie.add(topic, &x.self)
		}
		return true
	}
	n, ok := x.counts[k]
	if !ok {
		return false
	}
	if n > 1 {
		x.counts[k] = n - 1
		return false
	}
	delete(x.counts, k)
	x.trie.rm(topic, &x.self)
	return true
}

// subscribe is ZMQ_SUBSCRIBE (on) and ZMQ_UNSUBSCRIBE (off), and an XSUB's
// one-part subscription message: to every publisher, past the HWM.
func (x *sub) subscribe(topic []byte, on bool) {
	if !x.count(topic, on) {
		return
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

// matches reports whether one of the subscriptions is a prefix of msg: a
// walk down the trie, however many subscriptions there are.
func (x *sub) matches(msg []byte) bool {
	found := false
	x.gen++
	x.trie.match(msg, x.gen, func(*pubPeer) { found = true })
	return found
}

func (x *sub) from() *loop.Peer { return x.in.last }

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
		case x.xsub || x.matches(msg.Data) != x.opts.InvertMatching:
			// "XSUB sockets ... do not filter incoming messages"; a SUB
			// with ZMQ_INVERT_MATCHING takes what matches none of its
			// subscriptions.
			x.mid = msg.More()
			*m = msg
			return nil
		default:
			x.drop = msg.More()
			msg.Free()
		}
	}
}

func (x *sub) send(m *ring.Msg) error {
	if !x.xsub {
		return errno.ENOTSUP
	}
	first := !x.sendMid
	if first {
		x.sendSubs = !x.opts.OnlyFirstSubscribe
		x.sentPart = false
	}
	isSub := (first || x.sendSubs) && len(m.Data) > 0 && m.Data[0] <= 1
	if isSub {
		x.sendSubs = true
	}
	if isSub && first && !m.More() {
		x.subscribe(m.Data[1:], m.Data[0] == subSubscribe)
		m.Free()
		return nil
	}
	// A message of several parts, or a plain one: to every publisher with
	// room, whole.
	if first {
		x.targets = x.targets[:0]
		for _, p := range x.peers {
			if p.Out.CheckWrite() {
				x.targets = append(x.targets, p.Out)
			}
		}
	}
	x.sendMid = m.More()
	if isSub && !x.count(m.Data[1:], m.Data[0] == subSubscribe) && (m.More() || !x.sentPart) {
		// A cancel that does not remove the last instance is left out of
		// the message, as libzmq 4.3.4 leaves it out. Not when it is the
		// last part after others have gone, though: 4.3.4 then leaves the
		// message open and glues the next one onto it; zring sends the
		// part, so that the message ends where the application ended it.
		m.Free()
		return nil
	}
	x.sentPart = true
	fanOut(m, x.targets)
	return nil
}
