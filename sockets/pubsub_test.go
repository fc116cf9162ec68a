package sockets

import (
	"fmt"
	"sort"
	"testing"

	"github.com/zring/zring/loop"
	"github.com/zring/zring/ring"
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
		op    string
		peer  *pubPeer
		topic string
		ret   bool
	}{
		{"add", a, "ab", true},
		{"add", a, "ab", false}, // once per subscriber, as libzmq's publisher keeps it
		{"add", b, "a", true},
		{"add", b, "", true},
	} {
		if got := tr.add([]byte(c.topic), c.peer); got != c.ret {
			t.Fatalf("%s %q = %v", c.op, c.topic, got)
		}
	}
	for msg, want := range map[string]string{"abc": "[a b]", "ab": "[a b]", "a": "[b]", "x": "[b]", "": "[b]"} {
		if got := matches(msg); got != want {
			t.Errorf("match %q = %s, want %s", msg, got, want)
		}
	}
	if !tr.rm([]byte(""), b) || tr.rm([]byte(""), b) {
		t.Fatal("rm")
	}
	if got := matches("x"); got != "[]" {
		t.Errorf("after cancel: %s", got)
	}
	tr.rm([]byte("ab"), a)
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
	x := newPub()
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
	x := newSub()
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
