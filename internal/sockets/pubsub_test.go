package sockets

import (
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/zring/zring/internal/errno"
	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

func TestSubTrie(t *testing.T) {
	var tr subTrie
	a, b := &pubPeer{}, &pubPeer{}
	var gen uint64
	matches := func(msg string) string {
		var got []string
		gen++
		tr.match([]byte(msg), gen, func(p *pubPeer) {
			if p == a {
				got = append(got, "a")
			} else {
				got = append(got, "b")
			}
		})
		sort.Strings(got)
		return fmt.Sprint(got)
	}
	// "A subscription of "A" SHALL match all messages starting with "A".
	// An empty subscription SHALL match all messages." (RFC 37)
	for _, c := range []struct {
		peer         *pubPeer
		topic        string
		added, first bool
	}{
		{a, "ab", true, true},
		{a, "ab", false, false}, // once per subscriber, as libzmq's publisher keeps it
		{b, "ab", true, false},  // not the first subscriber of "ab"
		{b, "a", true, true},
		{b, "", true, true},
	} {
		if added, first := tr.add([]byte(c.topic), c.peer); added != c.added || first != c.first {
			t.Fatalf("add %q = %v %v", c.topic, added, first)
		}
	}
	for msg, want := range map[string]string{"abc": "[a b]", "ab": "[a b]", "a": "[b]", "x": "[b]", "": "[b]"} {
		if got := matches(msg); got != want {
			t.Errorf("match %q = %s, want %s", msg, got, want)
		}
	}
	if removed, last := tr.rm([]byte(""), b); !removed || !last {
		t.Fatal("rm")
	}
	if removed, _ := tr.rm([]byte(""), b); removed {
		t.Fatal("rm twice")
	}
	if _, last := tr.rm([]byte("ab"), b); last {
		t.Fatal("a still subscribes to ab")
	}
	if got := matches("x"); got != "[]" {
		t.Errorf("after cancel: %s", got)
	}
	if _, last := tr.rm([]byte("ab"), a); !last {
		t.Fatal("last of ab")
	}
	tr.rm([]byte("a"), b)
	if len(tr.root.next) != 0 {
		t.Fatalf("empty nodes kept: %v", tr.root.next)
	}
}

func subMsg(kind byte, topic string) ring.Msg {
	m := ring.NewMsg(len(topic) + 1)
	m.Data[0] = kind
	copy(m.Data[1:], topic)
	return m
}

// TestPubFiltersAndDrops: the publisher sends each subscriber what matches
// its subscriptions, drops for a subscriber at its HWM, never blocks.
func TestPubFiltersAndDrops(t *testing.T) {
	o := DefaultOptions(PUB)
	x := newPub(false, &o)
	a, b := loop.NewPeer(2, 10, "a"), loop.NewPeer(10, 10, "b")
	x.attach(a)
	x.attach(b)
	a.In.Write(subMsg(subSubscribe, "news"))
	a.In.Flush()
	b.In.Write(subMsg(subSubscribe, ""))
	b.In.Write(subMsg(subSubscribe, "news")) // both match: still sent once
	b.In.Flush()
	for _, s := range []string{"news 1", "weather", "news 2", "news 3"} {
		if err := sendFrames(x, s); err != nil {
			t.Fatal(err) // "The zmq_send() function shall never block"
		}
	}
	if got := drain(a.Out); !equal(got, []string{"news 1", "news 2"}) {
		t.Fatalf("a (HWM 2) got %v", got) // "news 3" dropped at the HWM
	}
	if got := drain(b.Out); !equal(got, []string{"news 1", "weather", "news 2", "news 3"}) {
		t.Fatalf("b got %v", got)
	}
	// Multipart: matched on the first frame, all frames follow.
	if err := sendFrames(x, "news", "body"); err != nil {
		t.Fatal(err)
	}
	if got := drain(a.Out); !equal(got, []string{"news+", "body"}) {
		t.Fatalf("a got %v", got)
	}
	// A cancel, and a subscriber that goes, stop the flow.
	a.In.Write(subMsg(subCancel, "news"))
	a.In.Flush()
	x.detach(b)
	drain(b.Out)
	if err := sendFrames(x, "news 4"); err != nil {
		t.Fatal(err)
	}
	if got, gotB := drain(a.Out), drain(b.Out); len(got) != 0 || len(gotB) != 0 {
		t.Fatalf("after cancel: a %v, b %v", got, gotB)
	}
}

// TestSubCountsAndFilters: ZMQ_UNSUBSCRIBE: "If the socket has several
// instances of the same subscription, only a single instance shall be
// removed"; a new publisher hears every subscription; messages are
// filtered here too.
func TestSubCountsAndFilters(t *testing.T) {
	so := DefaultOptions(SUB)
	x := newSub(false, &so)
	a := loop.NewPeer(10, 10, "a")
	x.attach(a)
	x.subscribe([]byte("t"), true)
	x.subscribe([]byte("t"), true)
	x.subscribe([]byte("t"), false) // one instance left: no cancel
	if got := drain(a.Out); !equal(got, []string{"\x01t", "\x01t"}) {
		t.Fatalf("upstream: %q", got)
	}
	b := loop.NewPeer(10, 10, "b")
	x.attach(b)
	if got := drain(b.Out); !equal(got, []string{"\x01t"}) {
		t.Fatalf("new publisher told %q", got)
	}
	x.subscribe([]byte("t"), false)
	x.subscribe([]byte("never"), false) // not subscribed: nothing sent
	if got := drain(a.Out); !equal(got, []string{"\x00t"}) {
		t.Fatalf("cancel upstream: %q", got)
	}
	drain(b.Out)
	x.subscribe([]byte("t"), true)
	drain(a.Out)
	for _, m := range []ring.Msg{frame("tx", true), frame("tail", false), frame("other", true), frame("o2", false), frame("t", false)} {
		a.In.Write(m)
	}
	a.In.Flush()
	if got := recvAll(t, x); !equal(got, []string{"tx+", "tail", "t"}) {
		t.Fatalf("received %v", got)
	}
	x.hiccup(a)
	if got := drain(a.Out); !equal(got, []string{"\x01t"}) {
		t.Fatalf("after reconnect: %q", got)
	}
}

// TestXPub: "Same as ZMQ_PUB except that you can receive subscriptions
// from the peers in form of incoming messages."
func TestXPub(t *testing.T) {
	newX := func(set func(o *Options)) (*pub, *loop.Peer, *loop.Peer) {
		o := DefaultOptions(XPUB)
		if set != nil {
			set(&o)
		}
		x := newPub(true, &o)
		a, b := loop.NewPeer(1, 10, "a"), loop.NewPeer(10, 10, "b")
		x.attach(a)
		x.attach(b)
		return x, a, b
	}
	feed := func(p *loop.Peer, msgs ...ring.Msg) {
		for _, m := range msgs {
			p.In.Write(m)
		}
		p.In.Flush()
	}
	for _, c := range []struct {
		name string
		set  func(o *Options)
		want []string
	}{
		// ZMQ_XPUB_VERBOSE: "If disabled, only the first subscription to
		// each filter will be passed"; ZMQ_XPUB_VERBOSER: "If disabled,
		// only the first subscription to each filter and the last
		// unsubscription from each filter will be passed."
		{"default", nil, []string{"\x01t", "\x00t", "plain"}},
		{"verbose", func(o *Options) { o.XPubVerbose = true }, []string{"\x01t", "\x01t", "\x00t", "plain"}},
		{"verboser", func(o *Options) { o.XPubVerboser = true }, []string{"\x01t", "\x01t", "\x00t", "\x00t", "plain"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, a, b := newX(c.set)
			var got []string
			for _, step := range []struct {
				p *loop.Peer
				m ring.Msg
			}{
				{a, subMsg(subSubscribe, "t")},
				{b, subMsg(subSubscribe, "t")},
				{a, subMsg(subCancel, "t")},
				{b, subMsg(subCancel, "t")},
				// "Messages without a sub/unsub prefix are also received"
				{a, frame("plain", false)},
			} {
				feed(step.p, step.m)
				got = append(got, recvAll(t, x)...)
			}
			if !equal(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	t.Run("a subscriber that goes cancels what it held", func(t *testing.T) {
		x, a, b := newX(nil)
		feed(a, subMsg(subSubscribe, "only a"))
		feed(b, subMsg(subSubscribe, "both"))
		feed(a, subMsg(subSubscribe, "both"))
		recvAll(t, x)
		a.In.Close()
		x.detach(a)
		if got := recvAll(t, x); !equal(got, []string{"\x00only a"}) {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("welcome message", func(t *testing.T) {
		_, a, _ := newX(func(o *Options) { o.XPubWelcomeMsg = []byte("hi") })
		if got := drain(a.Out); !equal(got, []string{"hi"}) {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("nodrop waits at the HWM", func(t *testing.T) {
		x, a, _ := newX(func(o *Options) { o.XPubNoDrop = true })
		feed(a, subMsg(subSubscribe, ""))
		if err := sendFrames(x, "1"); err != nil {
			t.Fatal(err)
		}
		m := frame("2", false)
		if err := x.send(&m); !errors.Is(err, errno.EAGAIN) {
			t.Fatalf("at the HWM: %v", err)
		}
		drain(a.Out)
		if err := x.send(&m); err != nil {
			t.Fatal(err)
		}
	})
}

// TestXSub: "you subscribe by sending subscription messages to the socket
// ... Messages without a sub/unsub prefix may also be sent".
func TestXSub(t *testing.T) {
	so := DefaultOptions(XSUB)
	x := newSub(true, &so)
	a, b := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b")
	x.attach(a)
	x.attach(b)
	for _, f := range [][]string{{"\x01t"}, {"\x01t"}, {"\x00t"}, {"up", "stream"}, {"\x00t"}} {
		if err := sendFrames(x, f...); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"\x01t", "\x01t", "up+", "stream", "\x00t"}
	if got := drain(a.Out); !equal(got, want) {
		t.Fatalf("a got %q, want %q", got, want)
	}
	if got := drain(b.Out); !equal(got, want) {
		t.Fatalf("b got %q", got)
	}
}

// BenchmarkPubSend: one message published to subscribers, per op, with
// every subscriber's pipe drained now and then. fanout: all subscribe to
// everything; topics: each of 1,000 subscribers holds 100 topics of its
// own (100,000 in all) and each message matches one subscriber.
func BenchmarkPubSend(b *testing.B) {
	for _, c := range []struct {
		name        string
		subs, each  int
		matchesMany bool
	}{
		{"fanout-10", 10, 1, true},
		{"fanout-1000", 1000, 1, true},
		{"topics-100000", 1000, 100, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			o := DefaultOptions(PUB)
			x := newPub(false, &o)
			peers := make([]*loop.Peer, c.subs)
			for i := range peers {
				peers[i] = loop.NewPeer(0, 0, "p")
				x.attach(peers[i])
				for j := 0; j < c.each; j++ {
					topic := ""
					if !c.matchesMany {
						topic = fmt.Sprintf("t%04d.%03d", i, j)
					}
					peers[i].In.Write(subMsg(subSubscribe, topic))
				}
				peers[i].In.Flush()
			}
			var slab ring.Slab
			msgs := make([][]byte, 64)
			for i := range msgs {
				msgs[i] = []byte(fmt.Sprintf("t%04d.%03d payload", i*13%c.subs, i%c.each))
			}
			x.readSubscriptions() // the trie is built before the clock starts
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := msgs[i%len(msgs)]
				m := slab.NewMsg(len(d))
				copy(m.Data, d)
				if err := x.send(&m); err != nil {
					b.Fatal(err)
				}
				if i%64 == 63 {
					for _, p := range peers {
						for {
							m, ok := p.Out.Read()
							if !ok {
								break
							}
							m.Free()
						}
					}
				}
			}
		})
	}
}

// TestInvertMatching: ZMQ_INVERT_MATCHING: "On PUB and XPUB sockets, this
// causes messages to be sent to all connected sockets except those
// subscribed to a prefix that matches the message. On SUB sockets, this
// causes only incoming messages that do not match any of the socket's
// subscriptions to be received by the user." And "XSUB sockets ... do not
// filter incoming messages."
func TestInvertMatching(t *testing.T) {
	o := DefaultOptions(PUB)
	o.InvertMatching = true
	x := newPub(false, &o)
	a, b := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b")
	x.attach(a)
	x.attach(b)
	a.In.Write(subMsg(subSubscribe, "news"))
	a.In.Flush()
	b.In.Write(subMsg(subSubscribe, "sport"))
	b.In.Flush()
	for _, s := range []string{"news 1", "sport 1", "weather"} {
		if err := sendFrames(x, s); err != nil {
			t.Fatal(err)
		}
	}
	if got := drain(a.Out); !equal(got, []string{"sport 1", "weather"}) {
		t.Fatalf("a got %v", got)
	}
	if got := drain(b.Out); !equal(got, []string{"news 1", "weather"}) {
		t.Fatalf("b got %v", got)
	}

	for _, c := range []struct {
		typ  Type
		inv  bool
		want []string
	}{
		{SUB, false, []string{"news 1"}},
		{SUB, true, []string{"weather"}},
		{XSUB, false, []string{"news 1", "weather"}},
	} {
		so := DefaultOptions(c.typ)
		so.InvertMatching = c.inv
		s := newSub(c.typ == XSUB, &so)
		p := loop.NewPeer(10, 10, "p")
		s.attach(p)
		if c.typ == XSUB {
			sendFrames(s, "\x01news")
		} else {
			s.subscribe([]byte("news"), true)
		}
		p.In.Write(frame("news 1", false))
		p.In.Write(frame("weather", false))
		p.In.Flush()
		if got := recvAll(t, s); !equal(got, c.want) {
			t.Errorf("%v invert=%v: got %v, want %v", c.typ, c.inv, got, c.want)
		}
	}
}
