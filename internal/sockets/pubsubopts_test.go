package sockets

import (
	"testing"

	"github.com/zring/zring/internal/loop"
	"github.com/zring/zring/internal/ring"
)

// TestOnlyFirstSubscribeXPub: an XPUB reading multipart messages from a
// subscriber. The rows were checked against libzmq 4.3.4 (XSUB to XPUB,
// inproc and tcp, ZMQ_XPUB_VERBOSER): a part starting with 1 or 0 is a
// subscription wherever it stands unless ZMQ_ONLY_FIRST_SUBSCRIBE is set
// and the first part is not one; a subscription is handed out on its own
// (no More), user data keeps its flags.
func TestOnlyFirstSubscribeXPub(t *testing.T) {
	for _, c := range []struct {
		name      string
		onlyFirst bool
		parts     []string
		recv      []string // what Recv hands out
		applied   []string // of "A", "B", "C": the topics a message reaches
	}{
		// "If not set (default), subscribe/unsubscribe messages in a
		// multipart message are processed as such regardless of their
		// number and order."
		{"default: two subscriptions", false, []string{"\x01A", "\x01B"}, []string{"\x01A", "\x01B"}, []string{"A", "B"}},
		{"default: data then subscription", false, []string{"dat", "\x01B"}, []string{"dat+", "\x01B"}, []string{"B"}},
		{"default: sub, data, sub", false, []string{"\x01A", "dat", "\x01C"}, []string{"\x01A", "dat+", "\x01C"}, []string{"A", "C"}},
		// "If set, only the first part of the multipart message is
		// processed as a subscribe/unsubscribe message. The rest are
		// forwarded as user data regardless of message contents."
		{"only first: data then subscription-like", true, []string{"dat", "\x01B"}, []string{"dat+", "\x01B"}, nil},
		// libzmq 4.3.4: after a first part that is a subscription, later
		// parts are still taken as subscriptions.
		{"only first: two subscriptions", true, []string{"\x01A", "\x01B"}, []string{"\x01A", "\x01B"}, []string{"A", "B"}},
		{"only first: sub, data, sub", true, []string{"\x01A", "dat", "\x01C"}, []string{"\x01A", "dat+", "\x01C"}, []string{"A", "C"}},
		{"only first: one-part subscription", true, []string{"\x01A"}, []string{"\x01A"}, []string{"A"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultOptions(XPUB)
			o.XPubVerboser = true
			o.OnlyFirstSubscribe = c.onlyFirst
			x := newPub(true, &o)
			a := loop.NewPeer(10, 10, "a")
			x.attach(a)
			for i, p := range c.parts {
				a.In.Write(frame(p, i < len(c.parts)-1))
			}
			a.In.Flush()
			if got := recvAll(t, x); !equal(got, c.recv) {
				t.Fatalf("recv %q, want %q", got, c.recv)
			}
			var reached []string
			for _, topic := range []string{"A", "B", "C"} {
				if err := sendFrames(x, topic+"-msg"); err != nil {
					t.Fatal(err)
				}
				if len(drain(a.Out)) > 0 {
					reached = append(reached, topic)
				}
			}
			if !equal(reached, c.applied) {
				t.Fatalf("subscribed to %q, want %q", reached, c.applied)
			}
		})
	}
}

// TestOnlyFirstSubscribeXSub: what an XSUB sends for multipart messages,
// as libzmq 4.3.4 does: every part goes out, except a cancel that does not
// remove the last instance of its topic (none, here); with
// ZMQ_ONLY_FIRST_SUBSCRIBE a message whose first part is plain is plain
// throughout, so its cancel-like part goes out.
func TestOnlyFirstSubscribeXSub(t *testing.T) {
	for _, c := range []struct {
		name      string
		onlyFirst bool
		msgs      [][]string
		want      []string
		counted   []string // the topics the XSUB holds after
	}{
		{"default: cancel of nothing left out", false,
			[][]string{{"\x00Y", "dat2"}, {"\x01Z", "\x00Z"}},
			[]string{"dat2", "\x01Z+", "\x00Z"}, nil},
		{"default: subscriptions after data count", false,
			[][]string{{"dat", "\x01B"}},
			[]string{"dat+", "\x01B"}, []string{"B"}},
		// zring ends the message where the application ended it (libzmq
		// 4.3.4 leaves it open).
		{"default: last-part cancel of nothing still ends the message", false,
			[][]string{{"dat", "\x00X"}, {"next"}},
			[]string{"dat+", "\x00X", "next"}, nil},
		{"only first: plain first part, plain rest", true,
			[][]string{{"dat", "\x00X"}, {"dat", "\x01B"}},
			[]string{"dat+", "\x00X", "dat+", "\x01B"}, nil},
		{"only first: subscription first, later parts count", true,
			[][]string{{"\x01A", "\x01B"}, {"\x00A", "\x00C"}},
			// (the cancel of C, unknown, ends a message already begun)
			[]string{"\x01A+", "\x01B", "\x00A+", "\x00C"}, []string{"B"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultOptions(XSUB)
			o.OnlyFirstSubscribe = c.onlyFirst
			x := newSub(true, &o)
			a := loop.NewPeer(10, 10, "a")
			x.attach(a)
			for _, m := range c.msgs {
				if err := sendFrames(x, m...); err != nil {
					t.Fatal(err)
				}
			}
			if got := drain(a.Out); !equal(got, c.want) {
				t.Fatalf("sent %q, want %q", got, c.want)
			}
			// What it holds is what a new publisher is told.
			x.hiccup(a)
			var want []string
			for _, topic := range c.counted {
				want = append(want, "\x01"+topic)
			}
			if got := drain(a.Out); !equal(got, want) {
				t.Fatalf("holds %q, want %q", got, want)
			}
		})
	}
}

// TestXPubManualLastValue: ZMQ_XPUB_MANUAL_LAST_VALUE "changes the XPUB
// socket behaviour to send the first message to the last subscriber after
// the socket receives a subscription and call setsockopt with
// ZMQ_SUBSCRIBE on XPUB socket." The steps are the ones checked against
// libzmq 4.3.4 with two and three SUBs.
func TestXPubManualLastValue(t *testing.T) {
	o := DefaultOptions(XPUB)
	if err := o.Set(XPubManualLastValue, 1); err != nil || !o.XPubManual {
		t.Fatalf("set: %v, manual %v", err, o.XPubManual)
	}
	x := newPub(true, &o)
	a, b, c := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b"), loop.NewPeer(10, 10, "c")
	for _, p := range []*loop.Peer{a, b, c} {
		x.attach(p)
	}
	feed := func(p *loop.Peer, m ring.Msg) {
		p.In.Write(m)
		p.In.Flush()
		if got := recvAll(t, x); len(got) != 1 {
			t.Fatalf("recv %q", got)
		}
	}
	sub := func(topic string) {
		if err := x.manualSubscribe([]byte(topic), true); err != nil {
			t.Fatal(err)
		}
	}
	send := func(msg ...string) {
		if err := sendFrames(x, msg...); err != nil {
			t.Fatal(err)
		}
	}
	got := func(p *loop.Peer, want ...string) {
		t.Helper()
		if g := drain(p.Out); !equal(g, want) {
			t.Fatalf("%s got %q, want %q", p.Endpoint, g, want)
		}
	}
	feed(a, subMsg(subSubscribe, "A"))
	sub("A")
	send("A0")
	got(a, "A0")
	feed(b, subMsg(subSubscribe, "A"))
	sub("A")
	send("A1") // the last value, for b alone
	send("A2")
	got(a, "A2")
	got(b, "A1", "A2")
	// Without a Subscribe, the first message still goes to c alone, and c
	// holds nothing yet: it reaches no one. The send ends what a Subscribe
	// applies to.
	feed(c, subMsg(subSubscribe, "A"))
	send("A3")
	sub("A")
	send("A4")
	got(a, "A4")
	got(b, "A4")
	got(c)
	// A multipart last value goes whole.
	feed(b, subMsg(subSubscribe, "C"))
	sub("A")
	send("A8", "part2")
	send("A9")
	got(a, "A9")
	got(b, "A8+", "part2", "A9")
	// Off again: subscriptions are applied as they come.
	if err := o.Set(XPubManualLastValue, 0); err != nil || o.XPubManual {
		t.Fatalf("unset: %v, manual %v", err, o.XPubManual)
	}
	feed(c, subMsg(subSubscribe, "D"))
	send("D1")
	got(c, "D1")
}

// TestXPubCancelOfUnheld: an XPUB passes on a cancel of a topic the
// subscriber did not hold, even while another holds it, as libzmq 4.3.4
// does; a cancel that leaves the topic to others is not passed on.
func TestXPubCancelOfUnheld(t *testing.T) {
	o := DefaultOptions(XPUB)
	x := newPub(true, &o)
	a, b := loop.NewPeer(10, 10, "a"), loop.NewPeer(10, 10, "b")
	x.attach(a)
	x.attach(b)
	var got []string
	for _, step := range []struct {
		p *loop.Peer
		m ring.Msg
	}{
		{b, subMsg(subSubscribe, "held")},
		{a, subMsg(subCancel, "held")}, // a never held it
		{a, subMsg(subSubscribe, "held")},
		{a, subMsg(subCancel, "held")}, // b still holds it
		{a, subMsg(subCancel, "held")}, // a no longer holds it
		{a, subMsg(subCancel, "never")},
	} {
		step.p.In.Write(step.m)
		step.p.In.Flush()
		got = append(got, recvAll(t, x)...)
	}
	if want := []string{"\x01held", "\x00held", "\x00held", "\x00never"}; !equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
